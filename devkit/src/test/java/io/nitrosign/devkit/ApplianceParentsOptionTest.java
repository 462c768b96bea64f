package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code ./appliance local up --parents N}: the option's range and the documented ports of host
 * {@code i}. (Running several hosts is {@link MultiHostStackEndToEndTest}.)
 */
class ApplianceParentsOptionTest {

  @Test
  void parentsOutsideOneToFourIsAUsageErrorAndStartsNothing() throws Exception {
    Path home = Files.createTempDirectory("nitrosign-parents-option");
    for (String bad : new String[] {"0", "5", "two", "-1"}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Appliance.run(new String[] {"local", "up", "--home", home.toString(),
          "--parents", bad}, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(2, code, bad);
      assertTrue(err.toString(StandardCharsets.UTF_8)
          .startsWith("--parents must be a number from 1 to 4: " + bad), err::toString);
      assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
    try (var files = Files.list(home)) {
      assertEquals(0, files.count(), "nothing was created");
    }
    Files.delete(home);
  }

  @Test
  void hostIListensOnTheFirstHostsPortsPlusTenPerHost() {
    assertEquals(8080, LocalStack.hostPort(8080, 1));
    assertEquals(8090, LocalStack.hostPort(8080, 2));
    assertEquals(8101, LocalStack.hostPort(8081, 3));
    assertEquals(8111, LocalStack.hostPort(8081, 4));
  }

  @Test
  void aStackRunsOneToFourParentHosts() {
    LocalStack stack = new LocalStack(new LocalStack.Settings(Path.of("unused"), 1, 2, 3, 4,
        null, null, null), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8));
    assertThrows(IllegalArgumentException.class, () -> stack.parents(0));
    assertThrows(IllegalArgumentException.class, () -> stack.parents(5));
    assertEquals(stack, stack.parents(4));
  }
}

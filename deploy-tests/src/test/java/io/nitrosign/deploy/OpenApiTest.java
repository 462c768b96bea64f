package io.nitrosign.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml is YAML, an OpenAPI 3 document, and describes exactly the REST operations
 * the parent host's JAX-RS resources serve: found by reflection on the @Path and HTTP method
 * annotations of every class under io.nitrosign.parent in parent-host's classes.
 */
class OpenApiTest {

  private static final java.nio.file.Path DOC = Repo.ROOT.resolve("docs/openapi.yaml");

  /** "POST /v1/wallets/{}/rpc": path parameters are compared by position, not by name. */
  private static String operation(String method, String path) {
    String p = ("/" + path).replaceAll("/+", "/").replaceAll("\\{[^}]*}", "{}");
    if (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return method.toUpperCase(Locale.ROOT) + " " + p;
  }

  static Set<String> operationsInCode() throws Exception {
    // the classes directory (or jar) parent-host's resources were loaded from
    java.nio.file.Path base = java.nio.file.Path.of(Class.forName(
        "io.nitrosign.parent.wallet.WalletResource").getProtectionDomain().getCodeSource()
        .getLocation().toURI());
    List<String> classNames = new ArrayList<>();
    if (Files.isDirectory(base)) {
      try (Stream<java.nio.file.Path> s = Files.walk(base.resolve("io/nitrosign/parent"))) {
        s.filter(p -> p.toString().endsWith(".class")).forEach(p -> classNames.add(
            base.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "")));
      }
    } else {
      try (java.util.jar.JarFile jar = new java.util.jar.JarFile(base.toFile())) {
        jar.stream().map(java.util.jar.JarEntry::getName)
            .filter(n -> n.startsWith("io/nitrosign/parent/") && n.endsWith(".class"))
            .forEach(n -> classNames.add(n.replace('/', '.').replaceAll("\\.class$", "")));
      }
    }
    Set<String> ops = new TreeSet<>();
    for (String name : classNames) {
      Class<?> c = Class.forName(name, false, OpenApiTest.class.getClassLoader());
      Path classPath = c.getAnnotation(Path.class);
      if (classPath == null) {
        continue;
      }
      for (Method m : c.getDeclaredMethods()) {
        String http = null;
        for (Annotation a : m.getAnnotations()) {
          HttpMethod hm = a.annotationType().getAnnotation(HttpMethod.class);
          if (hm != null) {
            http = hm.value();
          }
        }
        if (http != null) {
          Path sub = m.getAnnotation(Path.class);
          ops.add(operation(http, classPath.value() + (sub == null ? "" : "/" + sub.value())));
        }
      }
    }
    return ops;
  }

  @Test
  void documentIsOpenApi3AndMatchesTheJaxRsResources() throws Exception {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(DOC.toFile());
    assertTrue(doc.path("openapi").asText().startsWith("3."), "OpenAPI 3");
    assertTrue(doc.path("info").has("title") && doc.path("info").has("version"));

    Set<String> documented = new TreeSet<>();
    doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
      if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(m)) {
        documented.add(operation(m, p.getKey()));
      }
    }));
    Set<String> served = operationsInCode();
    assertTrue(served.size() >= 8, "resources found by reflection: " + served);
    assertEquals(served, documented, "docs/openapi.yaml and the parent host's resources differ");
  }

  @Test
  void everyReferenceResolvesAndEveryOperationDocumentsItsPathParameters() throws Exception {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(DOC.toFile());
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertTrue(refs.size() > 10);
    for (String ref : refs) {
      assertTrue(ref.startsWith("#/"), "only local references: " + ref);
      assertTrue(!doc.at(ref.substring(1)).isMissingNode(), "dangling $ref " + ref);
    }
    doc.path("paths").fields().forEachRemaining(p -> {
      long inPath = p.getKey().chars().filter(ch -> ch == '{').count();
      p.getValue().fields().forEachRemaining(op -> {
        long declared = 0;
        for (JsonNode param : op.getValue().path("parameters")) {
          JsonNode resolved = param.has("$ref") ? doc.at(param.get("$ref").asText().substring(1)) : param;
          if (resolved.path("in").asText().equals("path")) {
            declared++;
            assertTrue(p.getKey().contains("{" + resolved.path("name").asText() + "}"),
                p.getKey() + " lacks path parameter " + resolved.path("name"));
          }
        }
        assertEquals(inPath, declared, op.getKey() + " " + p.getKey() + ": path parameters");
        assertTrue(op.getValue().path("responses").has("200"), op.getKey() + " " + p.getKey());
      });
    });
  }

  private static void collectRefs(JsonNode n, List<String> out) {
    if (n.isObject()) {
      n.fields().forEachRemaining(e -> {
        if (e.getKey().equals("$ref")) {
          out.add(e.getValue().asText());
        } else {
          collectRefs(e.getValue(), out);
        }
      });
    } else if (n.isArray()) {
      n.forEach(c -> collectRefs(c, out));
    }
  }
}

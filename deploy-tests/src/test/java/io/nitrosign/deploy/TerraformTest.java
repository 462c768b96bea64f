package io.nitrosign.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * terraform/: every .tf file parsed by HashiCorp's HCL parser (@cdktf/hcl2json; there is no
 * terraform binary in CI), then the security properties checked on the parsed structure: the
 * sealing keys' policies, the instance role, the database, the launch template and the
 * vsock-proxy allowlist.
 */
class TerraformTest {

  private static final Path MODULE = Repo.TERRAFORM.resolve("modules/appliance");
  private static final String PCR0_VAR = "var.enclave_pcr0_values";
  private static Map<Path, JsonNode> files;

  @BeforeAll
  static void parse() throws Exception {
    NodeTools.require();
    List<Path> tf;
    try (Stream<Path> s = Files.walk(Repo.TERRAFORM)) {
      tf = s.filter(p -> p.toString().endsWith(".tf"))
          .filter(p -> !p.toString().contains("/.terraform/")).sorted().toList();
    }
    assertTrue(tf.size() >= 10, "terraform files: " + tf);
    JsonNode all = new ObjectMapper().readTree(NodeTools.node("hcl2json.cjs",
        tf.stream().map(Path::toString).toList()));
    files = new TreeMap<>();
    for (Path p : tf) {
      files.put(p, all.get(p.toString()));
    }
  }

  /** All blocks of a type and label in the module, e.g. ("resource", "aws_kms_key"), by name. */
  private static Map<String, JsonNode> blocks(String kind, String type) {
    Map<String, JsonNode> out = new TreeMap<>();
    files.forEach((p, json) -> {
      if (p.startsWith(MODULE) && json.has(kind) && json.get(kind).has(type)) {
        json.get(kind).get(type).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().get(0)));
      }
    });
    return out;
  }

  private static JsonNode local(String name) {
    for (Map.Entry<Path, JsonNode> e : files.entrySet()) {
      if (e.getKey().startsWith(MODULE) && e.getValue().has("locals")) {
        for (JsonNode l : e.getValue().get("locals")) {
          if (l.has(name)) {
            return l.get(name);
          }
        }
      }
    }
    throw new AssertionError("no local." + name);
  }

  /** Statements of a policy document, static ones and the content of dynamic ones. */
  private static List<JsonNode> statements(JsonNode doc) {
    List<JsonNode> out = new ArrayList<>();
    doc.path("statement").forEach(out::add);
    doc.path("dynamic").path("statement").forEach(d -> d.path("content").forEach(out::add));
    return out;
  }

  private static List<JsonNode> conditions(JsonNode statement) {
    List<JsonNode> out = new ArrayList<>();
    statement.path("condition").forEach(out::add);
    statement.path("dynamic").path("condition").forEach(d -> d.path("content").forEach(out::add));
    return out;
  }

  /** True when the action pattern (IAM wildcards) covers kms:Decrypt or kms:GenerateDataKey. */
  private static boolean releasesKeyMaterial(String action) {
    String regex = action.replace("*", ".*").replace("?", ".");
    return "kms:Decrypt".matches(regex) || "kms:GenerateDataKey".matches(regex) || action.equals("*");
  }

  private static boolean boundToPcr0(JsonNode statement) {
    return conditions(statement).stream().anyMatch(c ->
        c.path("variable").asText().equals("kms:RecipientAttestation:ImageSha384")
            && c.path("test").asText().matches("StringEquals(IgnoreCase)?")
            && c.path("values").asText().contains(PCR0_VAR));
  }

  @Test
  void everyFileParsesAndTheParserRejectsBrokenHcl() throws Exception {
    files.forEach((p, json) -> assertNotNull(json, p.toString()));
    Path bad = Files.createTempFile("broken", ".tf");
    try {
      Files.writeString(bad, "resource \"aws_kms_key\" \"k\" {\n  policy =\n");
      Repo.Result r = Repo.run(List.of("node", "hcl2json.cjs", bad.toString()), NodeTools.DIR, null, 60);
      assertEquals(1, r.exit(), "the parser must refuse a syntax error: " + r.output());
    } finally {
      Files.delete(bad);
    }
  }

  @Test
  void formattedTheWayTerraformFmtDoes() throws Exception {
    for (Path p : files.keySet()) {
      List<String> lines = Files.readAllLines(p);
      for (int i = 0; i < lines.size(); i++) {
        String l = lines.get(i);
        String where = p + ":" + (i + 1);
        assertFalse(l.contains("\t"), "tab at " + where);
        assertFalse(l.endsWith(" "), "trailing space at " + where);
        int indent = l.length() - l.stripLeading().length();
        assertEquals(0, indent % 2, "indentation is two spaces per level at " + where);
      }
      assertTrue(Files.readString(p).endsWith("\n") && !Files.readString(p).endsWith("\n\n"),
          "one final newline: " + p);
    }
    // Where a terraform binary exists (not in CI), it has the last word on the layout.
    Repo.Result which = Repo.run(List.of("bash", "-c", "command -v terraform"), Repo.ROOT, null, 30);
    if (which.exit() == 0) {
      Repo.Result r = Repo.run(List.of("terraform", "fmt", "-check", "-recursive", "-list=true", "."),
          Repo.TERRAFORM, Map.of("TF_CLI_CONFIG_FILE", "/dev/null"), 60);
      assertEquals(0, r.exit(), "terraform fmt would change: " + r.output());
    }
  }

  @Test
  void bothSealingKeysUseThePolicyThatNeedsTheEnclaveAttestation() {
    Map<String, JsonNode> keys = blocks("resource", "aws_kms_key");
    assertEquals(List.of("auth_shares", "exec_shares"), List.copyOf(keys.keySet()));
    for (JsonNode key : keys.values()) {
      assertEquals("${data.aws_iam_policy_document.sealing_key.json}", key.path("policy").asText());
      assertTrue(key.path("enable_key_rotation").asBoolean(), "annual rotation of the KMS key material");
    }
    JsonNode doc = blocks("data", "aws_iam_policy_document").get("sealing_key");
    List<JsonNode> statements = statements(doc);

    JsonNode enclave = statements.stream()
        .filter(s -> s.path("sid").asText().equals("EnclaveDataKeysOnlyWithAttestation"))
        .findFirst().orElseThrow();
    assertEquals("Allow", enclave.path("effect").asText());
    List<String> actions = new ArrayList<>();
    enclave.path("actions").forEach(a -> actions.add(a.asText()));
    assertEquals(List.of("kms:Decrypt", "kms:GenerateDataKey"), actions);
    assertEquals("${aws_iam_role.instance.arn}",
        enclave.path("principals").get(0).path("identifiers").get(0).asText());
    assertTrue(boundToPcr0(enclave), "Decrypt/GenerateDataKey need ImageSha384 = " + PCR0_VAR);

    // optional PCR8, bound to its variable, among the enclave statement's further conditions
    JsonNode extra = enclave.path("dynamic").path("condition").get(0);
    assertEquals("${local.enclave_extra_conditions}", extra.path("for_each").asText());
    assertTrue(local("enclave_extra_conditions").asText().contains("local.pcr8_conditions"));
    String pcr8Local = local("pcr8_conditions").toString();
    assertTrue(pcr8Local.contains("kms:RecipientAttestation:PCR8")
        && pcr8Local.contains("var.enclave_pcr8_values"), pcr8Local);

    JsonNode admin = statements.stream()
        .filter(s -> s.path("sid").asText().equals("KeyAdministrationWithoutUse")).findFirst().orElseThrow();
    assertEquals("${var.key_admin_arns}", admin.path("principals").get(0).path("identifiers").asText());
    admin.path("actions").forEach(a -> assertFalse(a.asText().matches(
        "kms:(\\*|Decrypt.*|Encrypt.*|GenerateDataKey.*|ReEncrypt.*|CreateGrant)"),
        "key administrators cannot use the key: " + a));

    JsonNode deny = statements.stream().filter(s -> s.path("effect").asText().equals("Deny"))
        .findFirst().orElseThrow(() -> new AssertionError("no Deny without attestation"));
    JsonNode c = conditions(deny).get(0);
    assertEquals("Null", c.path("test").asText());
    assertEquals("kms:RecipientAttestation:ImageSha384", c.path("variable").asText());
    assertEquals("true", c.path("values").get(0).asText());
  }

  /** The {@code {test, variable, values}} object of enclave_extra_conditions naming this key. */
  private static String extraCondition(String variable) {
    String all = local("enclave_extra_conditions").asText();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)\\{\\s*test\\s*=\\s*\"([A-Za-z]+)\"\\s*"
        + "variable\\s*=\\s*\"" + java.util.regex.Pattern.quote(variable) + "\"\\s*values\\s*=\\s*([^\\n]+)\\n")
        .matcher(all);
    assertTrue(m.find(), variable + " in " + all);
    return m.group(1) + " " + m.group(2).strip();
  }

  @Test
  void theEnclaveStatementRequiresCredentialsOfThisVpcAndTheDeploymentsKmsEndpoint() {
    // aws:SourceVpc/aws:SourceVpce exist only on requests through a VPC endpoint: the module
    // creates a KMS interface endpoint with private DNS, so the vsock-proxy's
    // kms.REGION.amazonaws.com resolves to it.
    JsonNode endpoint = blocks("resource", "aws_vpc_endpoint").get("kms");
    assertEquals("com.amazonaws.${data.aws_region.current.name}.kms", endpoint.path("service_name").asText());
    assertEquals("Interface", endpoint.path("vpc_endpoint_type").asText());
    assertTrue(endpoint.path("private_dns_enabled").asBoolean(), "private DNS: the proxy's KMS name resolves to the endpoint");
    assertEquals("${local.private_subnet_ids}", endpoint.path("subnet_ids").asText());
    assertEquals("${var.create_kms_vpc_endpoint ? 1 : 0}", endpoint.path("count").asText());
    JsonNode createVar = files.get(MODULE.resolve("variables.tf")).path("variable").path("create_kms_vpc_endpoint").get(0);
    assertTrue(createVar.path("default").asBoolean(), "the endpoint (and its condition) is on by default");
    JsonNode ingress = blocks("resource", "aws_vpc_security_group_ingress_rule").get("kms_endpoint_from_app");
    assertEquals("${aws_security_group.app.id}", ingress.path("referenced_security_group_id").asText());
    assertEquals(443, ingress.path("from_port").asInt());

    assertEquals("StringEquals [local.kms_vpc_endpoint_id]", extraCondition("aws:SourceVpce"));
    assertEquals("StringEquals [local.vpc_id]", extraCondition("aws:ec2InstanceSourceVPC"));
    assertTrue(local("kms_vpc_endpoint_id").asText().contains("aws_vpc_endpoint.kms[0].id"),
        local("kms_vpc_endpoint_id").asText());

    // and a Deny for every principal outside the endpoint, whatever else a statement allows
    JsonNode doc = blocks("data", "aws_iam_policy_document").get("sealing_key");
    JsonNode deny = statements(doc).stream()
        .filter(st -> st.path("sid").asText().equals("DenyKeyMaterialOutsideTheVpcEndpoint"))
        .findFirst().orElseThrow();
    assertEquals("Deny", deny.path("effect").asText());
    assertEquals("*", deny.path("principals").get(0).path("identifiers").get(0).asText());
    List<String> actions = new ArrayList<>();
    deny.path("actions").forEach(a -> actions.add(a.asText()));
    assertTrue(actions.containsAll(List.of("kms:Decrypt", "kms:GenerateDataKey*")), actions.toString());
    JsonNode c = conditions(deny).get(0);
    assertEquals("StringNotEquals", c.path("test").asText());
    assertEquals("aws:SourceVpce", c.path("variable").asText());
    assertEquals("${local.kms_vpc_endpoint_id}", c.path("values").get(0).asText());
  }

  @Test
  void optionalPcr3AndPcr4BindTheEnclaveToTheParentsRoleAndInstance() {
    assertEquals("StringEqualsIgnoreCase var.enclave_pcr3_values", extraCondition("kms:RecipientAttestation:PCR3"));
    assertEquals("StringEqualsIgnoreCase var.enclave_pcr4_values", extraCondition("kms:RecipientAttestation:PCR4"));
    JsonNode vars = files.get(MODULE.resolve("variables.tf")).path("variable");
    for (String v : List.of("enclave_pcr3_values", "enclave_pcr4_values")) {
      assertTrue(vars.path(v).get(0).path("validation").toString().contains("^[0-9a-f]{96}$"), v);
    }
    String command = files.get(MODULE.resolve("outputs.tf")).path("output").path("pcr3_command")
        .get(0).path("value").asText();
    assertTrue(command.contains("hashlib.sha384(bytes(48) + ") && command.contains("aws_iam_role.instance.arn"), command);
  }

  @Test
  void putKeyPolicyScheduleKeyDeletionAndDisableKeyOnASealingKeyRaiseAnAlarm() {
    JsonNode alarms = files.get(MODULE.resolve("alarms.tf"));
    JsonNode locals = alarms.path("locals").get(0);
    List<String> events = new ArrayList<>();
    locals.path("alarmed_key_events").forEach(e -> events.add(e.asText()));
    assertEquals(List.of("PutKeyPolicy", "ScheduleKeyDeletion", "DisableKey"), events);
    assertEquals(List.of("${aws_kms_key.auth_shares.key_id}", "${aws_kms_key.auth_shares.arn}",
        "${aws_kms_key.exec_shares.key_id}", "${aws_kms_key.exec_shares.arn}"),
        new ObjectMapper().convertValue(locals.path("sealing_key_references"), List.class));

    JsonNode rule = blocks("resource", "aws_cloudwatch_event_rule").get("sealing_key_changes");
    String pattern = rule.path("event_pattern").asText().replaceAll("\\s+", " ");
    for (String part : List.of("source = [\"aws.kms\"]", "\"detail-type\" = [\"AWS API Call via CloudTrail\"]",
        "eventSource = [\"kms.amazonaws.com\"]", "eventName = local.alarmed_key_events",
        "requestParameters = { keyId = local.sealing_key_references }")) {
      assertTrue(pattern.contains(part), part + " in " + pattern);
    }
    JsonNode target = blocks("resource", "aws_cloudwatch_event_target").get("sealing_key_changes");
    assertEquals("${aws_cloudwatch_event_rule.sealing_key_changes.name}", target.path("rule").asText());
    assertEquals("${local.key_alarm_topic_arn}", target.path("arn").asText());
    assertTrue(locals.path("key_alarm_topic_arn").asText().contains("var.key_alarm_sns_topic_arn"));

    // the topic the module creates lets exactly this rule publish
    JsonNode topicPolicy = blocks("data", "aws_iam_policy_document").get("key_alarms_topic");
    JsonNode st = statements(topicPolicy).get(0);
    assertEquals("events.amazonaws.com", st.path("principals").get(0).path("identifiers").get(0).asText());
    assertEquals("${aws_cloudwatch_event_rule.sealing_key_changes.arn}", conditions(st).get(0).path("values").get(0).asText());
  }

  /** Where a terraform binary and a local provider mirror exist: terraform's own validation. */
  @Test
  void terraformValidatesTheExampleWithTheModule() throws Exception {
    Repo.Result which = Repo.run(List.of("bash", "-c", "command -v terraform"), Repo.ROOT, null, 30);
    org.junit.jupiter.api.Assumptions.assumeTrue(which.exit() == 0, "no terraform binary");
    Path plugins = Path.of(System.getenv().getOrDefault("NITROSIGN_TF_PLUGIN_DIR", "/opt/tf-plugins"));
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(plugins.resolve(
        "registry.terraform.io/hashicorp/aws")), "no AWS provider mirror at " + plugins);
    Path copy = Files.createTempDirectory("nitrosign-tf-validate");
    try {
      Repo.Result cp = Repo.run(List.of("cp", "-r", Repo.TERRAFORM.resolve("modules").toString(),
          Repo.TERRAFORM.resolve("examples").toString(), copy.toString()), Repo.ROOT, null, 60);
      assertEquals(0, cp.exit(), cp.output());
      Repo.deleteTree(copy.resolve("examples/complete/.terraform"));
      Path example = copy.resolve("examples/complete");
      Map<String, String> env = Map.of("TF_CLI_CONFIG_FILE", "/dev/null", "TF_IN_AUTOMATION", "1",
          "CHECKPOINT_DISABLE", "1");
      Repo.Result init = Repo.run(List.of("terraform", "init", "-backend=false", "-input=false",
          "-plugin-dir=" + plugins), example, env, 240);
      assertEquals(0, init.exit(), init.output());
      Repo.Result validate = Repo.run(List.of("terraform", "validate", "-no-color"), example, env, 240);
      assertEquals(0, validate.exit(), validate.output());
      assertTrue(validate.output().contains("The configuration is valid"), validate.output());
    } finally {
      Repo.deleteTree(copy);
    }
  }

  @Test
  void noStatementAnywhereReleasesKeyMaterialWithoutTheAttestationCondition() {
    int checked = 0;
    for (Map.Entry<String, JsonNode> e : blocks("data", "aws_iam_policy_document").entrySet()) {
      for (JsonNode s : statements(e.getValue())) {
        boolean allow = !s.path("effect").asText("Allow").equals("Deny");
        boolean releases = false;
        for (JsonNode a : s.path("actions")) {
          releases |= releasesKeyMaterial(a.asText());
        }
        if (allow && releases) {
          checked++;
          assertTrue(boundToPcr0(s), e.getKey() + " statement " + s.path("sid") + " allows key material"
              + " without kms:RecipientAttestation:ImageSha384 bound to " + PCR0_VAR);
        }
      }
    }
    assertEquals(2, checked, "the key policy and the instance role policy");
    // Policies written any other way (jsonencode, heredoc) would escape the check above.
    files.forEach((p, json) -> {
      String text = json.toString();
      if (text.contains("kms:Decrypt") || text.contains("kms:*")) {
        assertTrue(p.endsWith("kms.tf") || p.endsWith("iam.tf"), "KMS permissions outside the"
            + " checked policy documents: " + p);
      }
      assertFalse(text.contains("jsonencode({\\n    Version"), "inline policy JSON in " + p);
    });
  }

  @Test
  void databaseIsPrivateEncryptedAndOnlyReachableFromTheParentHosts() {
    JsonNode db = blocks("resource", "aws_db_instance").get("this");
    assertFalse(db.path("publicly_accessible").asBoolean(true), "publicly_accessible = false");
    assertTrue(db.path("storage_encrypted").asBoolean(), "storage_encrypted = true");
    assertTrue(db.path("manage_master_user_password").asBoolean()
        || db.path("iam_database_authentication_enabled").asBoolean(), "Secrets Manager or IAM auth");
    assertFalse(db.has("password"), "no password in the configuration");
    assertEquals("${aws_security_group.db.id}", db.path("vpc_security_group_ids").get(0).asText());
    assertEquals(1, db.path("vpc_security_group_ids").size());
    assertEquals("${local.private_subnet_ids}",
        blocks("resource", "aws_db_subnet_group").get("this").path("subnet_ids").asText());
    assertFalse(db.path("skip_final_snapshot").asBoolean(true), "a final snapshot on deletion");

    int dbIngress = 0;
    for (JsonNode rule : blocks("resource", "aws_vpc_security_group_ingress_rule").values()) {
      if (rule.path("security_group_id").asText().equals("${aws_security_group.db.id}")) {
        dbIngress++;
        assertEquals("${aws_security_group.app.id}", rule.path("referenced_security_group_id").asText());
        assertFalse(rule.has("cidr_ipv4") || rule.has("cidr_ipv6"), "no CIDR into the database");
      }
    }
    assertEquals(1, dbIngress);
    String params = blocks("resource", "aws_db_parameter_group").get("this").toString();
    assertTrue(params.contains("rds.force_ssl"), "TLS required by the server");
    // inline rules inside aws_security_group would bypass the check above
    blocks("resource", "aws_security_group").values().forEach(sg ->
        assertFalse(sg.has("ingress") || sg.has("egress"), "rules are separate resources: " + sg));
  }

  @Test
  void launchTemplateEnablesTheEnclaveRequiresImdsV2AndEncryptsVolumes() {
    JsonNode lt = blocks("resource", "aws_launch_template").get("this");
    assertTrue(lt.path("enclave_options").get(0).path("enabled").asBoolean(), "enclave_options.enabled");
    JsonNode md = lt.path("metadata_options").get(0);
    assertEquals("required", md.path("http_tokens").asText(), "IMDSv2 only");
    assertEquals(1, md.path("http_put_response_hop_limit").asInt(), "hop limit 1");
    assertTrue(lt.path("block_device_mappings").size() > 0);
    lt.path("block_device_mappings").forEach(b ->
        assertTrue(b.path("ebs").get(0).path("encrypted").asBoolean(), "encrypted EBS: " + b));
    JsonNode asg = blocks("resource", "aws_autoscaling_group").get("this");
    assertEquals("${aws_launch_template.this.id}", asg.path("launch_template").get(0).path("id").asText());
    assertEquals("Rolling", asg.path("instance_refresh").get(0).path("strategy").asText());
    JsonNode lb = blocks("resource", "aws_lb").get("api");
    assertTrue(lb.path("internal").asBoolean(), "the API is not on the internet");
  }

  @Test
  void vsockProxyAllowsOnlyTheRegionalKmsEndpoint() throws Exception {
    JsonNode allow = local("vsock_proxy_allowlist");
    assertEquals(1, allow.size(), allow.toString());
    assertEquals("${local.kms_host}", allow.get(0).path("address").asText());
    assertEquals(443, allow.get(0).path("port").asInt());
    assertEquals("kms.${data.aws_region.current.name}.amazonaws.com", local("kms_host").asText());
    assertTrue(local("user_data").asText().contains(
        "vsock_proxy_config    = yamlencode({ allowlist = local.vsock_proxy_allowlist })"));

    String template = Files.readString(MODULE.resolve("templates/user-data.yaml.tftpl"));
    assertTrue(template.contains("${indent(6, vsock_proxy_config)}"), "the allowlist file is rendered");
    List<String> proxyLines = template.lines().filter(l -> l.contains("ExecStart=/usr/bin/vsock-proxy")).toList();
    assertEquals(1, proxyLines.size());
    assertTrue(proxyLines.get(0).contains("vsock-proxy ${vsock_proxy_port} ${kms_host} 443 --config"
        + " /etc/nitro_enclaves/vsock-proxy.yaml"), proxyLines.get(0));
    // run by the run-enclave wrapper of nitrosign-enclave.service, which systemd restarts
    List<String> runEnclave = template.lines().filter(l -> l.contains("/usr/bin/nitro-cli run-enclave")).toList();
    assertEquals(1, runEnclave.size());
    assertFalse(runEnclave.get(0).contains("--debug-mode"), "debug mode zeroes PCR0");
    for (String part : List.of("--enclave-cid ${enclave_cid}", "--cpu-count ${enclave_cpu_count}",
        "--memory ${enclave_memory_mib}")) {
      assertTrue(runEnclave.get(0).contains(part), part);
    }
    assertTrue(template.contains("address: vsock:${enclave_cid}:${enclave_vsock_port}"));
    assertTrue(template.contains("credentials: instance-role"));
    assertTrue(template.contains("memory_mib: ${enclave_memory_mib}")
        && template.contains("cpu_count: ${enclave_cpu_count}"), "allocator configuration");
  }

  private static final List<String> GOOD_URLS = List.of("https://signer.example.com",
      "https://wallets.internal.example.com:8443", "https://example.com/signer/v2");
  private static final List<String> BAD_URLS = List.of("https://signer.example.com/",
      "http://signer.example.com", "signer.example.com", "https://", "https://signer.example.com/a/",
      "https://signer example.com", "https://signer.example.com?x=1", "https://signer.example.com\"");

  /** The public base URL: a validated variable, rendered as the parent host's publicBaseUrl. */
  @Test
  void publicBaseUrlIsAValidatedVariableRenderedIntoTheParentHostConfiguration() throws Exception {
    JsonNode v = files.get(MODULE.resolve("variables.tf")).path("variable").path("public_base_url").get(0);
    assertNotNull(v, "variable public_base_url in the module");
    assertFalse(v.has("default"), "required: the EIF is built with the same value, there is no safe default");
    assertTrue(v.path("description").asText().contains("--public-base-url"), "names the EIF build option");
    String condition = v.path("validation").get(0).path("condition").asText();
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("can\\(regex\\(\"([^\"]+)\", var\\.public_base_url\\)\\)").matcher(condition);
    assertTrue(m.find(), condition);
    // RE2 and java.util.regex agree on this pattern (classes, groups, counted repetition only)
    java.util.regex.Pattern tf = java.util.regex.Pattern.compile(m.group(1));
    // what the parent host and the enclave accept (ParentHostConfiguration, EnclaveMain)
    java.util.regex.Pattern parent = java.util.regex.Pattern.compile(
        io.nitrosign.parent.ParentHostConfiguration.class.getDeclaredField("publicBaseUrl")
            .getAnnotation(jakarta.validation.constraints.Pattern.class).regexp());
    for (String ok : GOOD_URLS) {
      assertTrue(tf.matcher(ok).find(), "terraform accepts " + ok);
      assertTrue(parent.matcher(ok).matches(), "so does the parent host: " + ok);
    }
    for (String no : BAD_URLS) {
      assertFalse(tf.matcher(no).find(), "terraform refuses " + no);
    }
    // the build script and the Dockerfile check the same shape
    assertTrue(Files.readString(Repo.EIF_BUILD.resolve("build.sh")).contains("url_re='" + m.group(1) + "'"),
        "build.sh checks --public-base-url with the terraform pattern " + m.group(1));
    assertTrue(Files.readString(Repo.EIF_BUILD.resolve("Dockerfile")).contains(
        "[[ \"$PUBLIC_BASE_URL\" =~ " + m.group(1) + " ||"), "the Dockerfile checks the same pattern");

    assertTrue(local("user_data").asText().matches("(?s).*\\bpublic_base_url\\s+= var\\.public_base_url\\n.*"),
        "the template gets the variable: " + local("user_data").asText());
    String template = Files.readString(MODULE.resolve("templates/user-data.yaml.tftpl"));
    JsonNode yaml = parentHostYaml(template, "https://signer.example.com");
    assertEquals("https://signer.example.com", yaml.path("publicBaseUrl").asText(),
        "a top-level publicBaseUrl in parent-host.yml: " + yaml);
    assertTrue(yaml.has("enclave") && yaml.has("database"), "the whole configuration was parsed");

    JsonNode example = files.get(Repo.TERRAFORM.resolve("examples/complete/main.tf"));
    assertEquals("${var.public_base_url}",
        example.path("module").path("appliance").get(0).path("public_base_url").asText());
    JsonNode outputs = files.get(Repo.TERRAFORM.resolve("examples/complete/outputs.tf")).path("output");
    String command = outputs.path("eif_build_command").get(0).path("value").asText();
    for (String part : List.of("--auth-key-id", "--exec-key-id", "--region", "--account-id",
        "--deployment-id", "module.appliance.account_id", "--public-base-url",
        "module.appliance.public_base_url")) {
      assertTrue(command.contains(part), part + " in the example's eif_build_command: " + command);
    }
    assertTrue(Files.readString(Repo.TERRAFORM.resolve("examples/complete/terraform.tfvars.example"))
        .contains("public_base_url"), "the example tfvars sets it");
  }

  @Test
  void theLoadBalancerForwardsHttpsAndTheParentHostServesHttpsOnTheTargetPort() throws Exception {
    JsonNode tg = blocks("resource", "aws_lb_target_group").get("api");
    assertEquals("HTTPS", tg.path("protocol").asText(), "TLS from the load balancer to the instance");
    JsonNode hc = tg.path("health_check").get(0);
    assertEquals("HTTPS", hc.path("protocol").asText(), "health checks over TLS too");
    assertEquals("traffic-port", hc.path("port").asText(), "health checks on the API port");
    assertEquals("/health", hc.path("path").asText());
    int port = tg.path("port").asInt();
    JsonNode listener = blocks("resource", "aws_lb_listener").get("https");
    assertEquals("HTTPS", listener.path("protocol").asText());
    assertEquals("${aws_lb_target_group.api.arn}",
        listener.path("default_action").get(0).path("target_group_arn").asText());
    blocks("resource", "aws_lb_listener").values().forEach(l ->
        assertEquals("HTTPS", l.path("protocol").asText(), "no plain HTTP listener: " + l));

    // the security groups open exactly the target port between the load balancer and the hosts
    JsonNode out = blocks("resource", "aws_vpc_security_group_egress_rule").get("lb_to_api");
    JsonNode in = blocks("resource", "aws_vpc_security_group_ingress_rule").get("app_api");
    for (JsonNode rule : List.of(out, in)) {
      assertEquals(port, rule.path("from_port").asInt());
      assertEquals(port, rule.path("to_port").asInt());
    }
    for (JsonNode rule : blocks("resource", "aws_vpc_security_group_ingress_rule").values()) {
      if (rule.path("security_group_id").asText().equals("${aws_security_group.app.id}")) {
        assertEquals(port, rule.path("from_port").asInt(), "only the API port into the hosts: " + rule);
      }
    }

    String template = Files.readString(MODULE.resolve("templates/user-data.yaml.tftpl"));
    JsonNode server = parentHostYaml(template, "https://signer.example.com").path("server");
    JsonNode apps = server.path("applicationConnectors");
    assertEquals(1, apps.size(), apps.toString());
    JsonNode https = apps.get(0);
    assertEquals("https", https.path("type").asText(), "the API connector is TLS: " + https);
    assertEquals(port, https.path("port").asInt(), "the connector listens on the target group's port");
    assertEquals("/run/nitrosign/tls/parent-host.p12", https.path("keyStorePath").asText());
    assertEquals("PKCS12", https.path("keyStoreType").asText());
    assertEquals("{NITROSIGN_TLS_KEYSTORE_PASSWORD}", https.path("keyStorePassword").asText(),
        "the keystore password comes from the environment");
    // the keystore is made at boot and handed to the parent host's unit
    assertTrue(template.contains("openssl pkcs12 -export") && template.contains(
        "-out parent-host.p12.new -passout env:NITROSIGN_TLS_KEYSTORE_PASSWORD"), "keystore at boot");
    assertTrue(template.contains("EnvironmentFile=/run/nitrosign/instance.env"));
    assertTrue(template.lines().anyMatch(l -> l.contains("Requires=nitrosign-db-secret.service")
        && l.contains("nitrosign-instance-secrets.service") && l.contains("nitrosign-db-migrate.service")),
        "the parent host starts after its keystore and its database role exist");
    assertTrue(template.contains("[systemctl, enable, --now, nitrosign-instance-secrets.service]"));
  }

  @Test
  void theAdminPortIsLoopbackOnlyAndItsTasksNeedATokenInTheRenderedConfiguration() throws Exception {
    String template = Files.readString(MODULE.resolve("templates/user-data.yaml.tftpl"));
    JsonNode yaml = parentHostYaml(template, "https://signer.example.com");
    JsonNode admins = yaml.path("server").path("adminConnectors");
    assertTrue(admins.size() > 0);
    admins.forEach(a -> assertEquals("127.0.0.1", a.path("bindHost").asText(), "admin: " + a));
    assertEquals("{NITROSIGN_ADMIN_TASK_TOKEN}", yaml.path("admin").path("taskToken").asText());
    // no rule lets anything reach the admin port
    for (String kind : List.of("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")) {
      blocks("resource", kind).values().forEach(r ->
          assertFalse(r.path("from_port").asInt() <= 8081 && r.path("to_port").asInt() >= 8081,
              "a rule covers the admin port: " + r));
    }
    assertFalse(blocks("resource", "aws_lb_target_group").toString().contains("8081"));
  }

  @Test
  void theParentHostConnectsAsTheServiceRoleAndOnlyTheMigrateUnitHoldsTheOwnersPassword() throws Exception {
    String template = Files.readString(MODULE.resolve("templates/user-data.yaml.tftpl"));
    JsonNode yaml = parentHostYaml(template, "https://signer.example.com");
    assertFalse(yaml.path("migrateOnStart").asBoolean(true), "the server does not migrate");
    // (unquoted, the test's stand-in {VAR} parses as a YAML map: compare the text)
    assertTrue(yaml.path("database").path("password").toString().contains("NITROSIGN_DB_PASSWORD"));
    assertFalse(yaml.path("database").toString().contains("OWNER"), "no owner password in database:");
    assertEquals("{NITROSIGN_DB_OWNER_PASSWORD}", yaml.path("migrationDatabase").path("password").asText());
    assertTrue(template.contains("        user: ${db_service_user}\n        password: $${NITROSIGN_DB_PASSWORD}"),
        "database: is the service role");
    assertTrue(template.contains("        user: ${db_user}\n        password: \"$${NITROSIGN_DB_OWNER_PASSWORD}\""),
        "migrationDatabase: is the owner");
    assertTrue(local("user_data").asText().contains("db_service_user       = local.db_service_role"));
    assertEquals("nitrosign_service", local("db_service_role").asText());
    assertFalse(local("db_service_role").asText().equals(
        blocks("resource", "aws_db_instance").get("this").path("username").asText()), "not the owner");

    // systemd units: the owner's password reaches the migrate unit only
    String parentUnit = unit(template, "nitrosign-parent-host.service");
    String migrateUnit = unit(template, "nitrosign-db-migrate.service");
    assertFalse(parentUnit.contains("db-owner.env"), parentUnit);
    assertTrue(parentUnit.contains("EnvironmentFile=/run/nitrosign/db.env"));
    assertTrue(migrateUnit.contains("EnvironmentFile=/run/nitrosign/db-owner.env"));
    assertTrue(migrateUnit.contains("parent-host.jar migrate /opt/nitrosign/parent-host.yml"));
    assertTrue(template.contains("printf 'NITROSIGN_DB_PASSWORD=%s\\n' \"$service\" > /run/nitrosign/db.env.new"),
        "db.env holds the service role's password");

    // the service role's password: Secrets Manager, readable by the instance role
    JsonNode version = blocks("resource", "aws_secretsmanager_secret_version").get("db_service");
    assertTrue(version.path("secret_string").asText()
        .contains("data.aws_secretsmanager_random_password.db_service.random_password"));
    assertTrue(version.path("lifecycle").toString().contains("secret_string"),
        "the password is drawn once: later applies ignore a new draw");
    JsonNode instancePolicy = blocks("data", "aws_iam_policy_document").values().stream()
        .flatMap(d -> statements(d).stream())
        .filter(st -> st.path("sid").asText().equals("DatabasePassword")).findFirst().orElseThrow();
    assertTrue(instancePolicy.path("resources").toString().contains("aws_secretsmanager_secret.db_service.arn"));
    // only the aws provider: nothing else to fetch (and pin) for the module
    assertFalse(files.get(MODULE.resolve("versions.tf")).toString().contains("hashicorp/random"));
  }

  @Test
  void longRunningUnitsRestartWithBackOffAndTheEnclaveIsOneOfThem() throws Exception {
    String template = Files.readString(MODULE.resolve("templates/user-data.yaml.tftpl"));
    for (String name : List.of("nitrosign-enclave.service", "nitrosign-parent-host.service",
        "nitrosign-vsock-proxy.service")) {
      String u = unit(template, name);
      assertTrue(u.contains("Restart=always"), name);
      assertTrue(u.lines().anyMatch(l -> l.strip().matches("RestartSec=[1-9][0-9]*")), name);
      assertTrue(u.contains("RestartSteps=") && u.contains("RestartMaxDelaySec="),
          name + " backs off");
      assertTrue(u.contains("StartLimitIntervalSec=0"), name + " never gives up");
      assertFalse(u.contains("RemainAfterExit"), name + " is watched, not fire-and-forget");
    }
    String enclave = unit(template, "nitrosign-enclave.service");
    assertTrue(enclave.contains("ExecStart=/opt/nitrosign/bin/run-enclave"));
    // the wrapper fails when the enclave is gone, which is what makes systemd restart it
    int start = template.indexOf("  - path: /opt/nitrosign/bin/run-enclave");
    assertTrue(start >= 0);
    String script = template.substring(start, template.indexOf("\n  - path:", start + 1));
    assertTrue(script.contains("nitro-cli run-enclave --eif-path /opt/nitrosign/nitrosign.eif"));
    assertTrue(script.contains("describe-enclaves") && script.contains("exit 1"));
    assertFalse(script.contains("--debug-mode"));
  }

  /** The content of a systemd unit the template writes. */
  private static String unit(String template, String name) {
    int start = template.indexOf("  - path: /etc/systemd/system/" + name);
    assertTrue(start >= 0, name);
    int end = template.indexOf("\n  - path:", start + 1);
    return template.substring(start, end < 0 ? template.length() : end);
  }

  /**
   * The parent host's YAML as the template writes it (the content of
   * /opt/nitrosign/parent-host.yml), with every template variable replaced by a sample value.
   */
  private static JsonNode parentHostYaml(String template, String publicBaseUrl) throws Exception {
    List<String> lines = template.lines().toList();
    int start = lines.indexOf("  - path: /opt/nitrosign/parent-host.yml");
    assertTrue(start >= 0, "parent-host.yml is written by the template");
    StringBuilder yaml = new StringBuilder();
    int i = start + 1;
    while (!lines.get(i).strip().equals("content: |")) {
      i++;
    }
    for (i++; i < lines.size() && (lines.get(i).isEmpty() || lines.get(i).startsWith("      ")); i++) {
      yaml.append(lines.get(i).isEmpty() ? "" : lines.get(i).substring(6)).append('\n');
    }
    String text = yaml.toString().replace("${public_base_url}", publicBaseUrl)
        .replace("$${", "{").replaceAll("\\$\\{[a-z_]+\\}", "1");
    return new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(text);
  }

  /** Where a terraform binary exists (not in CI): its own evaluation of the validation. */
  @Test
  void terraformItselfRefusesABadPublicBaseUrl() throws Exception {
    Repo.Result which = Repo.run(List.of("bash", "-c", "command -v terraform"), Repo.ROOT, null, 30);
    org.junit.jupiter.api.Assumptions.assumeTrue(which.exit() == 0, "no terraform binary");
    String variables = Files.readString(MODULE.resolve("variables.tf"));
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("(?s)variable \"public_base_url\" \\{.*?\\n\\}\\n").matcher(variables);
    assertTrue(m.find());
    Path dir = Files.createTempDirectory("nitrosign-tf-var");
    try {
      Files.writeString(dir.resolve("main.tf"), m.group());
      Map<String, String> env = Map.of("TF_CLI_CONFIG_FILE", "/dev/null", "TF_IN_AUTOMATION", "1",
          "CHECKPOINT_DISABLE", "1");
      for (String url : List.of(GOOD_URLS.get(0), BAD_URLS.get(0), BAD_URLS.get(1))) {
        Repo.Result r = Repo.run(List.of("terraform", "plan", "-input=false", "-lock=false",
            "-var", "public_base_url=" + url), dir, env, 120);
        assertEquals(GOOD_URLS.contains(url) ? 0 : 1, r.exit(), url + ": " + r.output());
        if (r.exit() != 0) {
          assertTrue(r.output().contains("public_base_url must be an https URL"), r.output());
        }
      }
    } finally {
      Repo.deleteTree(dir);
    }
  }

  @Test
  void everyVariableAndOutputIsDocumented() {
    files.forEach((p, json) -> {
      for (String kind : List.of("variable", "output")) {
        json.path(kind).fields().forEachRemaining(e -> {
          String d = e.getValue().get(0).path("description").asText("");
          if (d.isBlank()) {
            fail(kind + " " + e.getKey() + " in " + p + " has no description");
          }
        });
      }
    });
    JsonNode example = files.get(Repo.TERRAFORM.resolve("examples/complete/main.tf"));
    assertEquals("../../modules/appliance", example.path("module").path("appliance").get(0).path("source").asText());
  }
}

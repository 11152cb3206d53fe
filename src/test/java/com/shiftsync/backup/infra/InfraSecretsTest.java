package com.shiftsync.backup.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.shiftsync.backup.domain.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No secret value is written in infra: no storage key or connection string, no SAS, no
 * password in a URL, no secure parameter with a default, no literal where a password or a
 * secret value goes, no output that hands a secret on, and in main.parameters.json only
 * references to the environment for anything secret.
 */
class InfraSecretsTest {
    /** What a secret looks like when written into a template, and the functions that fetch one. */
    private static final List<Pattern> SECRET_SHAPES = List.of(
            Pattern.compile("AccountKey\\s*=", Pattern.CASE_INSENSITIVE),
            Pattern.compile("SharedAccessKey\\s*=", Pattern.CASE_INSENSITIVE),
            Pattern.compile("SharedAccessSignature\\s*=", Pattern.CASE_INSENSITIVE),
            Pattern.compile("DefaultEndpointsProtocol\\s*=", Pattern.CASE_INSENSITIVE),
            Pattern.compile("[?&]sig=[A-Za-z0-9%+/=]{10,}"),
            Pattern.compile("\\blist(Keys|AccountSas|ServiceSas|ConnectionStrings|Credentials|Secrets)\\s*\\("),
            Pattern.compile("\\.list(Keys|Credentials)\\s*\\("),
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"),
            Pattern.compile("postgres(ql)?://[^\\s/@:'\"]+:[^\\s/@'\"]+@"),
            Pattern.compile("DOCKER_REGISTRY_SERVER_PASSWORD|DOCKER_REGISTRY_SERVER_USERNAME"),
            Pattern.compile("\\bAZURE_CLIENT_SECRET\\s*:"),
            Pattern.compile("InstrumentationKey\\s*=\\s*[0-9a-f]{8}-"));

    /** Properties that take a secret value: they must get a (secure) parameter, never a literal. */
    private static final Pattern SECRET_PROPERTY = Pattern.compile(
            "\\b(administratorLoginPassword|password|clientSecret|secretValue|adminPassword|value)\\s*:\\s*'([^']*)'");

    private static final Pattern SECRET_NAME = Pattern.compile("(?i)(password|secret|pwd|token|apikey|accesskey|sas)");

    static List<Path> infraFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(Bicep.INFRA)) {
            all.filter(Files::isRegularFile).forEach(files::add);
        }
        files.add(Path.of("azure.yaml"));
        files.add(Path.of("Dockerfile"));
        return files;
    }

    @Test
    @DisplayName("no key, connection string, SAS, private key or password-bearing URL anywhere in infra, azure.yaml or the Dockerfile")
    void noSecretShapes() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : infraFiles()) {
            String text = file.toString().endsWith(".bicep") ? Bicep.read(file).code() : Files.readString(file);
            for (Pattern shape : SECRET_SHAPES) {
                Matcher m = shape.matcher(text);
                while (m.find()) {
                    found.add(file + ": " + m.group());
                }
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    @DisplayName("secret-looking parameters are @secure(), and no @secure() parameter has a default other than ''")
    void secureParameters() {
        List<String> problems = new ArrayList<>();
        int secure = 0;
        for (Path file : Bicep.files()) {
            for (Bicep.Param p : Bicep.read(file).params().values()) {
                boolean secretName = SECRET_NAME.matcher(p.name()).find() && !p.name().endsWith("Name")
                        && !p.name().endsWith("Names");
                if (secretName && !p.secure()) {
                    problems.add(file + ": param " + p.name() + " looks secret but is not @secure()");
                }
                if (p.secure()) {
                    secure++;
                    if (p.defaultValue() != null && !p.defaultValue().strip().equals("''")) {
                        problems.add(file + ": @secure() param " + p.name() + " has a default: " + p.defaultValue());
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(secure >= 3, "the password is passed as @secure() all the way: main, keyvault, postgres");
    }

    @Test
    @DisplayName("passwords and secret values are assigned from parameters, never from literals")
    void noLiteralSecretValues() {
        List<String> found = new ArrayList<>();
        for (Path file : Bicep.files()) {
            Matcher m = SECRET_PROPERTY.matcher(Bicep.read(file).code());
            while (m.find()) {
                boolean harmless = m.group(1).equals("value") && !file.endsWith("keyvault.bicep");
                if (!harmless) {
                    found.add(file + ": " + m.group());
                }
            }
        }
        assertEquals(List.of(), found);
        String vault = Bicep.flat(Bicep.read(Bicep.INFRA.resolve("modules/keyvault.bicep")).resourceBody("secret"));
        assertTrue(vault.contains("value: secretValue"), vault);
    }

    @Test
    @DisplayName("no output hands on a secure parameter")
    void noSecretOutputs() {
        List<String> found = new ArrayList<>();
        for (Path file : Bicep.files()) {
            Bicep bicep = Bicep.read(file);
            for (Bicep.Param p : bicep.params().values()) {
                if (!p.secure()) {
                    continue;
                }
                Matcher m = Pattern.compile("(?m)^output .*\\b" + p.name() + "\\b.*$").matcher(bicep.code());
                while (m.find()) {
                    found.add(file + ": " + m.group());
                }
            }
            Matcher m = Pattern.compile("(?m)^output \\w*(?i:password|secret)\\w* .*$").matcher(bicep.code());
            while (m.find()) {
                found.add(file + ": " + m.group());
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    @DisplayName("main.parameters.json takes anything secret from the environment, never as a value")
    void parametersFile() throws IOException {
        JsonNode parameters = Json.MAPPER.readTree(Bicep.INFRA.resolve("main.parameters.json").toFile()).get("parameters");
        Map<String, Bicep.Param> declared = Bicep.main().params();
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = parameters.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Bicep.Param p = declared.get(e.getKey());
            if (p == null) {
                problems.add(e.getKey() + " is not a parameter of main.bicep");
                continue;
            }
            if (p.secure() || SECRET_NAME.matcher(e.getKey()).find() && !e.getKey().endsWith("Name")) {
                JsonNode value = e.getValue().get("value");
                boolean fromEnvironment = value != null && value.isTextual() && value.asText().matches("\\$\\{[A-Z_]+}");
                boolean fromVault = e.getValue().has("reference");
                if (!fromEnvironment && !fromVault) {
                    problems.add(e.getKey() + " must come from the environment (${VAR}) or a Key Vault reference");
                }
            }
        }
        assertEquals(List.of(), problems);
    }
}

package dev.freight;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Checks every answer a test receives against {@code openapi.yaml}, with a validator that shares
 * nothing with the server's own (Atlassian's swagger-request-validator, on swagger-parser and the
 * java-json-tools JSON Schema validator): its status must be declared for the operation, its {@code
 * Content-Type} among that status's media types, and a JSON body must match the declared schema
 * (types, required and additional properties, enums, patterns, lengths, ranges). Other bodies
 * (downloads, the contract itself) are checked for status and media type. Requests are not checked:
 * tests send bad ones on purpose.
 *
 * <p>A path or method the contract does not have cannot be declared there: its answer must be the
 * router's 404 or 405 with an {@code Error} body.
 */
final class ContractCheck {
  static final Path CONTRACT = Path.of("openapi.yaml");

  private static final String PATH_MISSING = "validation.request.path.missing";
  private static final String METHOD_MISSING = "validation.request.operation.notAllowed";

  /** 3.1 keywords without a 3.0 equivalent. */
  private static final Set<String> UNTRANSLATED =
      Set.of(
          "const",
          "prefixItems",
          "unevaluatedProperties",
          "unevaluatedItems",
          "dependentRequired",
          "dependentSchemas",
          "contentMediaType",
          "contentEncoding",
          "if",
          "then",
          "else",
          "$defs",
          "$dynamicRef",
          "patternProperties",
          "propertyNames",
          "contains");

  private static final OpenApiInteractionValidator VALIDATOR =
      OpenApiInteractionValidator.createForInlineApiSpecification(asOpenApi30(read(CONTRACT)))
          .withStrictOperationPathMatching()
          .withLevelResolver(
              LevelResolver.create()
                  .withDefaultLevel(ValidationReport.Level.ERROR)
                  // Additional properties are refused where the contract says so
                  // (additionalProperties: false), not everywhere: the validator's own rule would
                  // also refuse the properties of the other half of each allOf.
                  .withLevel(
                      "validation.schema.additionalProperties", ValidationReport.Level.IGNORE)
                  .build())
          .build();

  private ContractCheck() {}

  /** Has {@code web} check each answer before the test sees it; a mismatch fails the request. */
  static void install(WebClient web) {
    ((WebClientInternal) web).addInterceptor(ContractCheck::intercept);
  }

  private static void intercept(HttpContext<?> ctx) {
    if (ctx.phase() == ClientPhase.DISPATCH_RESPONSE) {
      String problems =
          problems(ctx.request().method().name(), ctx.request().uri(), ctx.response());
      if (problems != null) {
        ctx.fail(new AssertionError(problems));
        return;
      }
    }
    ctx.next();
  }

  /** What is wrong with this answer, or null. */
  static String problems(String method, String uri, HttpResponse<?> response) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    response.headers().names().forEach(name -> headers.put(name, response.headers().getAll(name)));
    return problems(
        method,
        uri,
        response.statusCode(),
        headers,
        response.body() instanceof Buffer buffer ? buffer.getBytes() : new byte[0]);
  }

  /** What is wrong with an answer {@code status, headers, body} to {@code method uri}, or null. */
  static String problems(
      String method, String uri, int status, Map<String, List<String>> headers, byte[] body) {
    String path = uri.replaceFirst("[?#].*", "");
    SimpleResponse.Builder answer = SimpleResponse.Builder.status(status);
    headers.forEach(answer::withHeader);
    List<String> contentTypes = headers.getOrDefault("Content-Type", List.of());
    String contentType = contentTypes.isEmpty() ? null : contentTypes.get(0);
    if (body.length > 0) {
      answer.withBody(body);
    }
    ValidationReport report =
        VALIDATOR.validateResponse(path, Request.Method.valueOf(method), answer.build());
    boolean undeclared =
        report.getMessages().stream()
            .anyMatch(m -> m.getKey().equals(PATH_MISSING) || m.getKey().equals(METHOD_MISSING));
    String found =
        undeclared
            ? undeclaredProblems(status, contentType, body)
            : report.hasErrors() ? describe(report.getMessages(), "") : null;
    return found == null
        ? null
        : method
            + " "
            + uri
            + " answered "
            + status
            + " "
            + contentType
            + ", which openapi.yaml does not allow:\n"
            + found
            + "body: "
            + excerpt(body);
  }

  private static String describe(List<ValidationReport.Message> messages, String indent) {
    StringBuilder text = new StringBuilder();
    for (ValidationReport.Message message : messages) {
      if (message.getLevel() == ValidationReport.Level.IGNORE) {
        continue;
      }
      text.append(indent)
          .append("- ")
          .append(message.getKey())
          .append(": ")
          .append(message.getMessage())
          .append('\n');
      for (String info : message.getAdditionalInfo()) {
        text.append(indent).append("  ").append(info).append('\n');
      }
      text.append(describe(message.getNestedMessages(), indent + "  "));
    }
    return text.toString();
  }

  /** Only the router's own answers may come from outside the contract. */
  private static String undeclaredProblems(int status, String contentType, byte[] body) {
    if (status != 404 && status != 405) {
      return "- a path or method the contract does not have must answer 404 or 405\n";
    }
    if (contentType == null || !contentType.startsWith("application/json")) {
      return "- an error must be application/json\n";
    }
    try {
      JsonObject error = new JsonObject(Buffer.buffer(body));
      return error.fieldNames().equals(Set.of("detail"))
              && error.getValue("detail") instanceof String
          ? null
          : "- an error must be {\"detail\": \"...\"} (components/schemas/Error)\n";
    } catch (DecodeException | ClassCastException e) {
      return "- an error must be a JSON object\n";
    }
  }

  private static String excerpt(byte[] body) {
    String text = new String(body, 0, Math.min(body.length, 2000), StandardCharsets.UTF_8);
    return body.length > 2000 ? text + "..." : text;
  }

  /**
   * The contract as OpenAPI 3.0, which is what this validator's schemas understand (fed 3.1, it
   * drops every {@code type}). The contract uses only what translates exactly: a {@code type} list
   * of one type and {@code "null"} is 3.0's {@code nullable: true}, schema {@code examples} are
   * annotations, an array without {@code items} has items of any kind. Any other 3.1-only keyword
   * stops the tests, so that no rule is silently lost.
   */
  static String asOpenApi30(String yaml) {
    LoaderOptions options = new LoaderOptions();
    Yaml parser = new Yaml(new TextTimestamps(options));
    JsonObject contract = new JsonObject(parser.<Map<String, Object>>load(yaml));
    if (!contract.getString("openapi", "").startsWith("3.1.")) {
      throw new IllegalStateException("expected an OpenAPI 3.1 contract");
    }
    contract.put("openapi", "3.0.3");
    // 3.0 has no webhooks section; it describes requests Freight sends, never an answer it gives.
    contract.remove("webhooks");
    List<String> refused = new ArrayList<>();
    translate(contract, "#", refused);
    if (!refused.isEmpty()) {
      throw new IllegalStateException(
          "openapi.yaml uses 3.1 keywords that ContractCheck cannot check: " + refused);
    }
    return contract.encode();
  }

  private static void translate(Object node, String at, List<String> refused) {
    if (node instanceof JsonObject object) {
      Object type = object.getValue("type");
      if (type instanceof JsonArray types) {
        List<Object> others =
            types.stream().filter(t -> !"null".equals(t)).collect(Collectors.toList());
        if (others.size() != 1) {
          refused.add(at + "/type " + types.encode());
        } else {
          object.put("type", others.get(0));
          if (others.size() < types.size()) {
            object.put("nullable", true);
          }
        }
      }
      if ("array".equals(object.getValue("type")) && !object.containsKey("items")) {
        object.put("items", new JsonObject()); // 3.0 requires items; {} is 3.1's absent items
      }
      if (object.getValue("exclusiveMinimum") instanceof Number
          || object.getValue("exclusiveMaximum") instanceof Number) {
        refused.add(at + " numeric exclusiveMinimum/exclusiveMaximum");
      }
      if (object.containsKey("$ref") && object.size() > 1) {
        // 3.1 reads keywords beside a $ref, 3.0 ignores them: refused unless they only annotate.
        for (String key : object.fieldNames()) {
          if (!Set.of("$ref", "description", "summary").contains(key)) {
            refused.add(at + "/" + key + " beside $ref");
          }
        }
      }
      for (String key : object.fieldNames()) {
        if (UNTRANSLATED.contains(key) && !at.endsWith("/properties")) {
          refused.add(at + "/" + key);
        }
      }
      if (object.getValue("examples") instanceof JsonArray && !at.endsWith("/properties")) {
        object.remove("examples"); // a schema's examples; a media type's are a map
      }
      for (String key : object.fieldNames()) {
        translate(object.getValue(key), at + "/" + key, refused);
      }
    } else if (node instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        translate(array.getValue(i), at + "/" + i, refused);
      }
    }
  }

  /** Timestamps stay text, as JSON has no other way to hold them. */
  private static final class TextTimestamps extends SafeConstructor {
    TextTimestamps(LoaderOptions options) {
      super(options);
      yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

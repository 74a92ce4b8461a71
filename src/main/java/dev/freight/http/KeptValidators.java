package dev.freight.http;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract, with each parameter's and request body's schema validator built once. Vert.x's
 * request validator asks the schema repository for a new validator of every parameter of every
 * request, and each copies the whole contract's schemas: that was 40% of the server's CPU under
 * 2,000 requests/s of library reads. A validator keeps no state between validations.
 */
final class KeptValidators implements OpenAPIContract, SchemaRepository {
  private final OpenAPIContract contract;
  private final SchemaRepository repository;
  private final Map<JsonSchema, Validator> validators = new IdentityHashMap<>();

  KeptValidators(OpenAPIContract contract) {
    this.contract = contract;
    this.repository = contract.getSchemaRepository();
    for (Operation operation : contract.operations()) {
      for (Parameter parameter : operation.getParameters()) {
        keep(parameter.getSchema());
      }
      if (operation.getRequestBody() != null) {
        for (MediaType type : operation.getRequestBody().getContent().values()) {
          keep(type.getSchema());
        }
      }
    }
  }

  private void keep(JsonSchema schema) {
    if (schema != null) {
      validators.put(schema, repository.validator(schema));
    }
  }

  @Override
  public SchemaRepository getSchemaRepository() {
    return this;
  }

  @Override
  public Validator validator(JsonSchema schema) {
    Validator kept = validators.get(schema);
    return kept != null ? kept : repository.validator(schema);
  }

  // The rest as the contract and its repository have it.

  @Override
  public Operation operation(String operationId) {
    return contract.operation(operationId);
  }

  @Override
  public List<Operation> operations() {
    return contract.operations();
  }

  @Override
  public List<Path> getPaths() {
    return contract.getPaths();
  }

  @Override
  public JsonObject getRawContract() {
    return contract.getRawContract();
  }

  @Override
  public OpenAPIVersion getVersion() {
    return contract.getVersion();
  }

  @Override
  public List<Server> getServers() {
    return contract.getServers();
  }

  @Override
  public Path findPath(String urlPath) {
    return contract.findPath(urlPath);
  }

  @Override
  public Operation findOperation(String urlPath, HttpMethod method) {
    return contract.findOperation(urlPath, method);
  }

  @Override
  public List<SecurityRequirement> getSecurityRequirements() {
    return contract.getSecurityRequirements();
  }

  @Override
  public SecurityScheme securityScheme(String name) {
    return contract.securityScheme(name);
  }

  @Override
  public SchemaRepository dereference(JsonSchema schema) {
    return repository.dereference(schema);
  }

  @Override
  public SchemaRepository dereference(String uri, JsonSchema schema) {
    return repository.dereference(uri, schema);
  }

  @Override
  public SchemaRepository preloadMetaSchema(FileSystem fs) {
    return repository.preloadMetaSchema(fs);
  }

  @Override
  public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
    return repository.preloadMetaSchema(fs, draft);
  }

  @Override
  public Validator validator(String ref) {
    return repository.validator(ref);
  }

  @Override
  public Validator validator(String ref, JsonSchemaOptions options) {
    return repository.validator(ref, options);
  }

  @Override
  public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
    return repository.validator(schema, options, dereference);
  }

  @Override
  public JsonObject resolve(JsonObject schema) {
    return repository.resolve(schema);
  }

  @Override
  public JsonSchema find(String pointer) {
    return repository.find(pointer);
  }
}

package dev.freight.http;

import dev.freight.idempotency.Idempotency;
import dev.freight.idempotency.IdempotencyRequests;
import dev.freight.idempotency.IdempotencyRequests.Claimed;
import dev.freight.idempotency.IdempotencyRequests.Key;
import dev.freight.idempotency.IdempotencyRequests.State;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;

/**
 * {@code Idempotency-Key} on the create routes. {@link #claim} (after authentication, before the
 * body is read) claims the caller's key in PostgreSQL, or answers 409 while another request holds
 * it; {@link #check} (once the body is read) replays the answer a key got before when the request
 * is the same, or answers 422; {@link #reply} keeps the create's answer under the key before it is
 * sent. An error answer releases the key, so that the client may try again: every error of the
 * creates leaves nothing to find again (a 409 "an import is active" may pass, a job whose files
 * could not be kept is failed). A request without the header passes untouched.
 */
final class Idempotent {
  static final String HEADER = "Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";
  private static final String CLAIM = "freight.idempotency";
  private static final System.Logger LOG = System.getLogger(Idempotent.class.getName());

  private Idempotent() {}

  /** The key this request holds, from the claim to the answer. */
  private static final class Claim {
    final Key key;
    final Claimed claimed;
    String fingerprint;

    /** The create was asked: its answer, not the connection, decides the key's fate. */
    boolean asked;

    Claim(Key key, Claimed claimed) {
      this.key = key;
      this.claimed = claimed;
    }
  }

  /** Whether the request has a key claimed (or answered before): its files' SHA-256 count. */
  static boolean claimed(RoutingContext ctx) {
    return ctx.get(CLAIM) != null;
  }

  static void claim(RoutingContext ctx) {
    String value = ctx.request().getHeader(HEADER);
    if (value == null) {
      ctx.next();
      return;
    }
    String invalid = Idempotency.invalidKey(value);
    if (invalid != null) {
      refuse(ctx, new HttpException(400, invalid));
      return;
    }
    Key key = new Key(Api.callerId(ctx), value);
    // A body not read yet waits until the key is decided (authentication resumed it).
    if (!ctx.request().isEnded()) {
      ctx.request().pause();
    }
    Api.ask(ctx, IdempotencyRequests.CLAIM, key)
        .onFailure(failed -> refuse(ctx, failed))
        .onSuccess(
            claimed -> {
              if (claimed.state() == State.IN_PROGRESS) {
                refuse(
                    ctx,
                    new HttpException(
                        409,
                        "A request with Idempotency-Key '"
                            + value
                            + "' is still in progress; retry once it has been answered."));
                return;
              }
              Claim claim = new Claim(key, claimed);
              ctx.put(CLAIM, claim);
              if (claimed.state() == State.CLAIMED) {
                // The body broke off, or the request was refused before the create was asked.
                ctx.addEndHandler(
                    ended -> {
                      if (!claim.asked) {
                        release(ctx, claim);
                      }
                    });
              }
              ctx.next();
            });
  }

  /** Fails the request before its body is read: the rest of the body is not wanted. */
  private static void refuse(RoutingContext ctx, Throwable failure) {
    if (!ctx.request().isEnded()) {
      ctx.request().resume();
    }
    ctx.fail(failure);
  }

  /**
   * Once the body is read: a key answered before answers again, as it did, if this is the same
   * request ({@code Idempotent-Replayed: true}), and 422 if it is another.
   */
  static void check(RoutingContext ctx) {
    Claim claim = ctx.get(CLAIM);
    if (claim == null) {
      ctx.next();
      return;
    }
    claim.fingerprint = fingerprint(ctx);
    Claimed claimed = claim.claimed;
    if (claimed.state() == State.CLAIMED) {
      ctx.next();
    } else if (!claimed.fingerprint().equals(claim.fingerprint)) {
      throw new HttpException(
          422,
          "Idempotency-Key '"
              + claim.key.key()
              + "' was used with another request; send a new key for a new request.");
    } else {
      ctx.response()
          .setStatusCode(claimed.status())
          .putHeader("Content-Type", "application/json")
          .putHeader(REPLAYED, "true")
          .end(claimed.body());
    }
  }

  /**
   * Answers with the create's answer, as {@link Api#reply} does; under a claimed key, once the
   * answer is kept (a failure to keep it is logged: the client still gets its answer).
   */
  static void reply(RoutingContext ctx, int status, Future<JsonObject> answer) {
    Claim claim = ctx.get(CLAIM);
    if (claim == null) {
      Api.reply(ctx, status, answer);
      return;
    }
    claim.asked = true;
    Api.reply(
        ctx,
        status,
        answer
            .onFailure(failed -> release(ctx, claim))
            .compose(
                body ->
                    Api.ask(
                            ctx,
                            IdempotencyRequests.RECORD,
                            new IdempotencyRequests.Answer(
                                claim.key, claim.fingerprint, status, body.encode()))
                        .otherwise(
                            unkept -> {
                              LOG.log(
                                  System.Logger.Level.WARNING,
                                  "keeping the answer to Idempotency-Key failed",
                                  unkept);
                              return null;
                            })
                        .map(kept -> body)));
  }

  private static void release(RoutingContext ctx, Claim claim) {
    Api.ask(ctx, IdempotencyRequests.RELEASE, claim.key)
        .onFailure(
            failed ->
                LOG.log(
                    System.Logger.Level.WARNING, "releasing an Idempotency-Key failed", failed));
  }

  /**
   * The request as the key identifies it: method, path, query, and the JSON body, or the form
   * fields and each file's field, name and SHA-256.
   */
  private static String fingerprint(RoutingContext ctx) {
    Object body;
    if (ctx.request().isExpectMultipart()) {
      body =
          new JsonObject()
              .put("form", Idempotency.pairs(ctx.request().formAttributes()))
              .put(
                  "files",
                  Idempotency.files(
                      UploadSpool.files(ctx).stream()
                          .map(
                              spooled ->
                                  List.of(
                                      spooled.file().field(),
                                      spooled.file().name(),
                                      spooled.sha256()))
                          .toList()));
    } else {
      body = json(ctx.body().buffer());
    }
    return Idempotency.fingerprint(
        ctx.request().method().name(),
        ctx.request().path(),
        Idempotency.pairs(ctx.queryParams()),
        body);
  }

  /** A JSON body as its value; one that is not JSON counts as its text. */
  private static Object json(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      Object value = Json.decodeValue(body);
      return value instanceof JsonObject || value instanceof JsonArray ? value : body.toString();
    } catch (DecodeException e) {
      return body.toString();
    }
  }
}

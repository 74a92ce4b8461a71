package dev.freight.http;

import dev.freight.bus.UploadedFile;
import dev.freight.idempotency.Idempotency;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystemException;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.streams.Pipe;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Streams the files of a multipart body to disk as they arrive, with a size limit, as Vert.x's
 * BodyHandler does, and, for a request with an {@code Idempotency-Key}, takes each file's SHA-256
 * on the way: a 1 GiB upload is neither held in memory nor read twice. Form fields end up in the
 * request's form attributes, the files in {@link #files}; they are deleted once the answer is sent.
 * Any other body was read before (see {@code ApiVerticle.readJsonBody}): it passes.
 */
final class UploadSpool implements Handler<RoutingContext> {
  private static final String FILES = "freight.spooled-files";

  /** A spooled file and its SHA-256 (hex; null when nobody asked for it). */
  record Spooled(UploadedFile file, String sha256) {}

  /**
   * How long after the body ended its parts may take to be written out; a part still open then
   * never got its closing boundary.
   */
  private static final long END_GRACE_MS = 10_000;

  /**
   * The limits a body is read within: its size, its parts, their names' length, and how long it may
   * stop arriving (see {@link BodyTimeout}).
   */
  record Limits(long maxBytes, int maxParts, int maxNameChars, long idleMs) {
    Limits withMaxBytes(long bytes) {
      return new Limits(Math.min(bytes, maxBytes), maxParts, maxNameChars, idleMs);
    }
  }

  private final Path dir;
  private final long maxBytes;
  private final Limits limits;

  UploadSpool(Path dir, Limits limits) {
    this.dir = dir;
    this.maxBytes = limits.maxBytes();
    this.limits = limits;
  }

  /** The files the body brought, in the order they came. */
  static List<Spooled> files(RoutingContext ctx) {
    List<Spooled> files = ctx.get(FILES);
    return files == null ? List.of() : files;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (request.isEnded()
        || type == null
        || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      ctx.next();
      return;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > maxBytes) {
      ctx.fail(413);
      return;
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))
        && request.version() != HttpVersion.HTTP_1_0) {
      ctx.response().writeContinue();
    }
    new Spooling(ctx, Idempotent.claimed(ctx)).start();
  }

  /** One body being received. */
  private final class Spooling {
    private final RoutingContext ctx;
    private final boolean hashing;
    private final List<Spooled> files = new ArrayList<>();
    private final List<String> paths = new ArrayList<>();
    private final List<Pipe<Buffer>> pipes = new ArrayList<>();
    private long received;
    private int writing;
    private boolean ended;
    private boolean failed;
    private boolean spooled;

    Spooling(RoutingContext ctx, boolean hashing) {
      this.ctx = ctx;
      this.hashing = hashing;
    }

    void start() {
      HttpServerRequest request = ctx.request();
      request.setExpectMultipart(true);
      request.uploadHandler(this::upload);
      request.handler(this::received);
      request.exceptionHandler(
          broken ->
              fail(
                  broken instanceof HttpPostRequestDecoder.TooManyFormFieldsException
                      ? new HttpException(400, tooManyParts())
                      : broken instanceof DecoderException
                          ? new HttpException(400, "The multipart body is malformed.", broken)
                          : broken));
      request.endHandler(
          end -> {
            ended = true;
            finish();
            if (writing > 0) {
              ctx.vertx()
                  .setTimer(
                      END_GRACE_MS,
                      late ->
                          fail(
                              new HttpException(
                                  400,
                                  "The multipart body ended before its closing boundary: it is"
                                      + " cut off.")));
            }
          });
      BodyTimeout.watch(ctx, limits.idleMs());
      // A client gone mid-body may leave no failure on the request's streams to clean up on.
      ctx.addEndHandler(
          answered -> {
            if (!spooled) {
              cleanUp();
            }
          });
      request.resume();
    }

    private void received(Buffer chunk) {
      received += chunk.length();
      if (received > maxBytes) {
        fail(new HttpException(413));
      }
    }

    private void upload(HttpServerFileUpload upload) {
      if (failed) {
        upload.handler(ignored -> {});
        return;
      }
      String name = upload.filename() == null ? "" : upload.filename();
      String problem =
          paths.size() == limits.maxParts()
              ? tooManyParts()
              : name.length() > limits.maxNameChars()
                  ? "A file name is longer than " + limits.maxNameChars() + " characters."
                  : name.chars().anyMatch(Character::isISOControl)
                      ? "A file name holds a control character."
                      : null;
      if (problem != null) {
        upload.handler(ignored -> {});
        fail(new HttpException(400, problem));
        return;
      }
      writing++;
      String path = dir.resolve(UUID.randomUUID().toString()).toString();
      paths.add(path);
      MessageDigest digest = hashing ? Idempotency.sha256() : null;
      // Paused until the file is open; the pipe then writes with back-pressure, and closes the file
      // when it ends, either way.
      Pipe<Buffer> pipe = upload.pipe();
      pipes.add(pipe);
      ctx.vertx()
          .fileSystem()
          .mkdirs(dir.toString())
          .compose(
              made -> ctx.vertx().fileSystem().open(path, new OpenOptions().setCreateNew(true)))
          .compose(
              file -> {
                DigestingFile sink = new DigestingFile(file, digest);
                return pipe.to(sink).map(sink);
              })
          .onSuccess(
              sink -> {
                files.add(
                    new Spooled(
                        new UploadedFile(upload.name(), upload.filename(), path, sink.size),
                        digest == null ? null : HexFormat.of().formatHex(digest.digest())));
                writing--;
                finish();
              })
          .onFailure(
              broken -> {
                // A file opened after the request failed was not there for cleanUp to delete.
                ctx.vertx().fileSystem().delete(path);
                if (broken instanceof FileSystemException) {
                  fail(broken);
                } else {
                  // Right after this, the request reports why it broke (a malformed body, too
                  // many parts); only if it does not, this says so.
                  ctx.vertx()
                      .runOnContext(
                          later -> fail(new HttpException(400, "The multipart body broke off.")));
                }
              });
    }

    private void finish() {
      if (ended && writing == 0 && !failed) {
        spooled = true;
        ctx.put(FILES, files);
        ctx.addBodyEndHandler(sent -> delete());
        ctx.next();
      }
    }

    private void fail(Throwable failure) {
      if (!failed) {
        cleanUp();
        ctx.fail(failure);
      }
    }

    private void cleanUp() {
      failed = true;
      pipes.forEach(Pipe::close); // each closes its file, now or once it is open
      delete();
    }

    /** What a verticle did not take (move away) is deleted; absent files are no matter. */
    private void delete() {
      paths.forEach(path -> ctx.vertx().fileSystem().delete(path));
    }
  }

  private String tooManyParts() {
    return "Too many parts in the multipart body: at most " + limits.maxParts() + ".";
  }

  /** A spool file that updates the upload's digest with each piece it writes. */
  private static final class DigestingFile implements WriteStream<Buffer> {
    private final AsyncFile file;
    private final MessageDigest digest;
    private long size;
    private boolean ended;

    DigestingFile(AsyncFile file, MessageDigest digest) {
      this.file = file;
      this.digest = digest;
    }

    @Override
    public Future<Void> write(Buffer data) {
      size += data.length();
      if (digest != null) {
        digest.update(data.getBytes());
      }
      // The channel fails a write with a bare IOException (ENOSPC: the disk filled up midway).
      return file.write(data)
          .recover(broken -> Future.failedFuture(new FileSystemException(broken)));
    }

    @Override
    public Future<Void> end() {
      ended = true;
      return file.end();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      if (!ended) { // a pipe closed after it ended its file lets go of it again
        file.exceptionHandler(handler);
      }
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      file.setWriteQueueMaxSize(maxSize);
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return file.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      if (!ended) {
        file.drainHandler(handler);
      }
      return this;
    }
  }
}

package dev.freight.http;

import dev.freight.bus.UploadedFile;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.vertx.core.Handler;
import io.vertx.core.file.FileSystemException;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Reads a multipart body's files to disk as they arrive, within limits: the body's size, the number
 * of parts, the length of file names. Every way a body can go wrong gets a 4xx: too large (413),
 * too many parts or a broken body (400), a body that ends before its closing boundary (400), one
 * that stops arriving (408, see {@link BodyTimeout}). Files of a refused body are deleted; those of
 * an accepted one once the answer is out (the verticle has moved what it keeps).
 */
final class Uploads {
  /** Where the files read are kept for the next handlers. */
  private static final String FILES = "freight.uploads";

  /**
   * How long after the body ended its parts may take to be written out; a part still open then
   * never got its closing boundary.
   */
  private static final long END_GRACE_MS = 10_000;

  private final Path dir;
  private final Limits limits;

  /** The limits a body is read within. */
  record Limits(long maxBytes, int maxParts, int maxNameChars, long idleMs) {
    Limits withMaxBytes(long bytes) {
      return new Limits(Math.min(bytes, maxBytes), maxParts, maxNameChars, idleMs);
    }
  }

  private Uploads(Path dir, Limits limits) {
    this.dir = dir;
    this.limits = limits;
  }

  /** Reads bodies into files in {@code dir}, which is made here (at start-up) if need be. */
  static Handler<RoutingContext> toDisk(Path dir, Limits limits) {
    dir.toFile().mkdirs();
    return new Uploads(dir, limits)::read;
  }

  /** The files the body brought, in the order of its parts. */
  static List<UploadedFile> files(RoutingContext ctx) {
    List<UploadedFile> files = ctx.get(FILES);
    return files == null ? List.of() : files;
  }

  private void read(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String type = request.getHeader("Content-Type");
    if (request.isEnded() || type == null || !type.toLowerCase().startsWith("multipart/")) {
      ctx.next(); // a JSON body, read already
      return;
    }
    new Reading(ctx).start();
  }

  /** One body being read. */
  private final class Reading {
    private final RoutingContext ctx;
    private final HttpServerRequest request;
    private final List<UploadedFile> files = new ArrayList<>();
    private final List<String> paths = new ArrayList<>();
    private long bytes;
    private int writing;
    private boolean ended;
    private boolean settled;

    Reading(RoutingContext ctx) {
      this.ctx = ctx;
      this.request = ctx.request();
    }

    void start() {
      String length = request.getHeader("Content-Length");
      if (length != null
          && length.matches("\\d{1,18}")
          && Long.parseLong(length) > limits.maxBytes()) {
        refuse(413, "Request body too large.");
        return;
      }
      request.setExpectMultipart(true);
      request.uploadHandler(this::part);
      request.handler(
          data -> {
            bytes += data.length();
            if (bytes > limits.maxBytes()) {
              refuse(413, "Request body too large.");
            }
          });
      // The request's own failure (a broken body, too many parts for the decoder) is reported
      // right after the failure of the part it cut off, and names the reason better.
      request.exceptionHandler(failure -> refuse(400, broken(failure)));
      request.endHandler(
          end -> {
            ended = true;
            if (writing == 0) {
              done();
            } else {
              ctx.vertx()
                  .setTimer(
                      END_GRACE_MS,
                      late ->
                          refuse(
                              400,
                              "The multipart body ended before its closing boundary: it is cut"
                                  + " off."));
            }
          });
      BodyTimeout.watch(ctx, limits.idleMs());
      request.resume();
    }

    private void part(HttpServerFileUpload upload) {
      if (settled) {
        upload.handler(unwanted -> {}); // drained, so that the rest of the body still arrives
        return;
      }
      String name = Objects.requireNonNullElse(upload.filename(), "");
      String problem =
          paths.size() == limits.maxParts()
              ? "Too many parts in the multipart body: at most " + limits.maxParts() + "."
              : name.length() > limits.maxNameChars()
                  ? "A file name is longer than " + limits.maxNameChars() + " characters."
                  : name.chars().anyMatch(Character::isISOControl)
                      ? "A file name holds a control character."
                      : null;
      if (problem != null) {
        upload.handler(unwanted -> {});
        refuse(400, problem);
        return;
      }
      String path = dir.resolve(UUID.randomUUID().toString()).toString();
      int index = paths.size();
      paths.add(path);
      files.add(null);
      writing++;
      upload
          .streamToFileSystem(path)
          .onComplete(
              written -> {
                writing--;
                if (written.failed() && written.cause() instanceof FileSystemException disk) {
                  fail(disk);
                } else if (written.failed()) {
                  // Right after this, the request reports why it broke (a broken body, too many
                  // parts); only if it does not, this says so.
                  ctx.vertx().runOnContext(later -> refuse(400, "The multipart body broke off."));
                } else if (!settled) {
                  files.set(index, new UploadedFile(upload.name(), name, path, upload.size()));
                  if (ended && writing == 0) {
                    done();
                  }
                } else {
                  delete(path);
                }
              });
    }

    private void done() {
      if (settled) {
        return;
      }
      settled = true;
      ctx.put(FILES, List.copyOf(files));
      ctx.addBodyEndHandler(sent -> paths.forEach(this::delete));
      ctx.next();
    }

    private void refuse(int status, String detail) {
      fail(new HttpException(status, detail));
    }

    private void fail(Throwable failure) {
      if (settled) {
        return;
      }
      settled = true;
      paths.forEach(this::delete);
      ctx.fail(failure);
    }

    private void delete(String path) {
      ctx.vertx().fileSystem().delete(path).onFailure(gone -> {});
    }
  }

  private String broken(Throwable failure) {
    Throwable cause =
        failure instanceof DecoderException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof HttpPostRequestDecoder.TooManyFormFieldsException) {
      return "Too many parts in the multipart body: at most " + limits.maxParts() + ".";
    }
    return "The multipart body is malformed.";
  }
}

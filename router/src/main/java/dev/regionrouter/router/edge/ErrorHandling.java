package dev.regionrouter.router.edge;

import dev.regionrouter.router.error.RouterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Mono;

/**
 * The error path of the Spring side (health, status pages, actuator, unknown paths): every error is
 * {@code {"error": {"code", "message"}}} with its status, from the router's own exceptions and
 * WebFlux's (404, 405, 415, ...). Never a stack trace: unexpected exceptions are logged here and
 * answered with a generic 500. (The data plane, {@code /v1/**}, answers its errors itself, in the
 * same shape: {@link DataPlaneExchange#sendError}.)
 */
@Component
@Order(-2) // before Spring Boot's default error handler
public class ErrorHandling implements ErrorWebExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.error(error);
    }
    HttpStatusCode status;
    String code;
    String message;
    if (error instanceof RouterException e) {
      status = HttpStatusCode.valueOf(e.status());
      code = e.code();
      message = e.getMessage();
    } else if (error instanceof ResponseStatusException e) {
      status = e.getStatusCode();
      code = code(status);
      message =
          e instanceof MethodNotAllowedException m
              ? "method " + m.getHttpMethod() + " is not allowed here"
              : e instanceof UnsupportedMediaTypeStatusException
                  ? "unsupported Content-Type"
                  : status.value() == 404
                      ? "no such path: " + exchange.getRequest().getPath().value()
                      : reason(status);
      e.getHeaders().forEach((name, values) -> response.getHeaders().put(name, values));
    } else {
      log.error(
          "unexpected error on {} {}",
          exchange.getRequest().getMethod(),
          exchange.getRequest().getPath(),
          error);
      status = HttpStatus.INTERNAL_SERVER_ERROR;
      code = "internal_error";
      message = "the router failed to handle the request";
    }
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    if (error instanceof RouterException e && e.retryAfter() != null) {
      response
          .getHeaders()
          .set(HttpHeaders.RETRY_AFTER, ErrorBodies.retryAfterSeconds(e.retryAfter()));
    }
    DataBuffer body = response.bufferFactory().wrap(ErrorBodies.json(code, message));
    return response.writeWith(Mono.just(body));
  }

  private static String code(HttpStatusCode status) {
    return switch (status.value()) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 406 -> "not_acceptable";
      case 408 -> "request_timeout";
      case 413 -> "body_too_large";
      case 415 -> "unsupported_media_type";
      default -> status.is5xxServerError() ? "internal_error" : "http_" + status.value();
    };
  }

  private static String reason(HttpStatusCode status) {
    HttpStatus known = HttpStatus.resolve(status.value());
    return known == null ? "HTTP " + status.value() : known.getReasonPhrase();
  }
}

package dev.regionrouter.mockregion.inference;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Minimal OpenAI-shaped endpoints ({@code /v1/chat/completions}, {@code /v1/completions}, {@code
 * /v1/embeddings}): enough of the wire format for clients and proxies to treat the mock as an
 * OpenAI-compatible upstream. The text is the reference's "Mock response from REGION: ...".
 */
public final class OpenAiApi {

  /** The reference mock's default, used for chat and text completions alike. */
  public static final int DEFAULT_MAX_TOKENS = ReferenceApi.DEFAULT_MAX_TOKENS;

  public static final int DEFAULT_EMBEDDING_DIMENSIONS = 8;
  static final int MAX_EMBEDDING_DIMENSIONS = 4096;

  public enum Kind {
    CHAT("chatcmpl-mock-", "chat.completion", "chat.completion.chunk"),
    TEXT("cmpl-mock-", "text_completion", "text_completion");

    final String idPrefix;
    final String object;
    final String chunkObject;

    Kind(String idPrefix, String object, String chunkObject) {
      this.idPrefix = idPrefix;
      this.object = object;
      this.chunkObject = chunkObject;
    }
  }

  /** A chat or text completion request, reduced to what the mock uses. */
  public record CompletionRequest(
      Kind kind, String model, String prompt, int maxTokens, boolean stream) {}

  public record EmbeddingRequest(String model, List<String> inputs, int dimensions) {}

  private final String defaultModel;
  private final ReferenceApi reference;
  private final AtomicLong ids = new AtomicLong();

  public OpenAiApi(String region, ReferenceApi reference) {
    this.defaultModel = "mock-" + region;
    this.reference = reference;
  }

  public CompletionRequest parseChat(JsonNode body) {
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new BadRequestException("messages must be a non-empty array");
    }
    // The prompt is the last user message (or the last message when no user spoke).
    JsonNode chosen = messages.get(messages.size() - 1);
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonNode message = messages.get(i);
      if (message.isObject() && "user".equals(message.path("role").asText())) {
        chosen = message;
        break;
      }
    }
    if (!chosen.isObject()) {
      throw new BadRequestException("each message must be an object");
    }
    return new CompletionRequest(
        Kind.CHAT,
        model(body),
        content(chosen.get("content")),
        maxTokens(body),
        Json.optionalBoolean(body, "stream"));
  }

  public CompletionRequest parseCompletion(JsonNode body) {
    JsonNode prompt = body.get("prompt");
    String text;
    if (prompt == null || prompt.isNull()) {
      text = "";
    } else if (prompt.isTextual()) {
      text = prompt.asText();
    } else if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isTextual()) {
      text = prompt.get(0).asText();
    } else {
      throw new BadRequestException("prompt must be a string or an array of strings");
    }
    return new CompletionRequest(
        Kind.TEXT, model(body), text, maxTokens(body), Json.optionalBoolean(body, "stream"));
  }

  public EmbeddingRequest parseEmbeddings(JsonNode body) {
    JsonNode input = body.get("input");
    List<String> inputs = new ArrayList<>();
    if (input != null && input.isTextual()) {
      inputs.add(input.asText());
    } else if (input != null && input.isArray() && !input.isEmpty()) {
      // strings, or token arrays: either way one embedding per element
      input.forEach(
          element -> inputs.add(element.isTextual() ? element.asText() : element.toString()));
    } else {
      throw new BadRequestException("input must be a string or a non-empty array");
    }
    int dimensions = Json.optionalNonNegativeInt(body, "dimensions", DEFAULT_EMBEDDING_DIMENSIONS);
    if (dimensions < 1 || dimensions > MAX_EMBEDDING_DIMENSIONS) {
      throw new BadRequestException("dimensions must be 1.." + MAX_EMBEDDING_DIMENSIONS);
    }
    return new EmbeddingRequest(model(body), inputs, dimensions);
  }

  public String newId(Kind kind) {
    return kind.idPrefix + ids.incrementAndGet();
  }

  public String output(CompletionRequest request) {
    return reference.output(request.prompt());
  }

  /** A whole (non-streamed) completion with usage. */
  public void writeCompletion(
      OutputStream out,
      CompletionRequest request,
      String id,
      long createdSeconds,
      Integer tokensOverride) {
    int completionTokens = tokensOverride != null ? tokensOverride : request.maxTokens();
    int promptTokens = estimateTokens(request.prompt());
    try (JsonGenerator g = Json.generator(out)) {
      head(g, request, id, createdSeconds, request.kind().object);
      g.writeStartObject();
      g.writeNumberField("index", 0);
      if (request.kind() == Kind.CHAT) {
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        g.writeStringField("content", output(request));
        g.writeEndObject();
      } else {
        g.writeStringField("text", output(request));
        g.writeNullField("logprobs");
      }
      g.writeStringField("finish_reason", "stop");
      g.writeEndObject();
      g.writeEndArray();
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", promptTokens);
      g.writeNumberField("completion_tokens", completionTokens);
      g.writeNumberField("total_tokens", promptTokens + completionTokens);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JSON of one streamed chunk (the caller frames it as an SSE {@code data:} line). */
  public void writeChunk(
      OutputStream out,
      CompletionRequest request,
      String id,
      long createdSeconds,
      int index,
      int count,
      String piece) {
    boolean last = index == count - 1;
    try (JsonGenerator g = Json.generator(out)) {
      head(g, request, id, createdSeconds, request.kind().chunkObject);
      g.writeStartObject();
      g.writeNumberField("index", 0);
      if (request.kind() == Kind.CHAT) {
        g.writeObjectFieldStart("delta");
        if (index == 0) {
          g.writeStringField("role", "assistant");
        }
        g.writeStringField("content", piece);
        g.writeEndObject();
      } else {
        g.writeStringField("text", piece);
        g.writeNullField("logprobs");
      }
      if (last) {
        g.writeStringField("finish_reason", "stop");
      } else {
        g.writeNullField("finish_reason");
      }
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deterministic unit vectors: the same input always gives the same embedding. */
  public void writeEmbeddings(OutputStream out, EmbeddingRequest request) {
    int promptTokens = request.inputs().stream().mapToInt(OpenAiApi::estimateTokens).sum();
    try (JsonGenerator g = Json.generator(out)) {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (int i = 0; i < request.inputs().size(); i++) {
        g.writeStartObject();
        g.writeStringField("object", "embedding");
        g.writeNumberField("index", i);
        g.writeArrayFieldStart("embedding");
        for (float value : vector(request.inputs().get(i), request.dimensions())) {
          g.writeNumber(value);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeStringField("model", request.model());
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", promptTokens);
      g.writeNumberField("total_tokens", promptTokens);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Splits {@code text} into {@code count} consecutive pieces (some empty if text is short). */
  public static String[] pieces(String text, int count) {
    String[] pieces = new String[count];
    int codePoints = text.codePointCount(0, text.length());
    int start = 0;
    for (int i = 0; i < count; i++) {
      long endPoint = (long) codePoints * (i + 1) / count;
      int end = text.offsetByCodePoints(0, (int) endPoint);
      pieces[i] = text.substring(start, end);
      start = end;
    }
    return pieces;
  }

  /** About four characters a token, the usual rule of thumb. */
  static int estimateTokens(String text) {
    return (text.length() + 3) / 4;
  }

  private void head(
      JsonGenerator g, CompletionRequest request, String id, long createdSeconds, String object)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("id", id);
    g.writeStringField("object", object);
    g.writeNumberField("created", createdSeconds);
    g.writeStringField("model", request.model());
    g.writeArrayFieldStart("choices");
  }

  private String model(JsonNode body) {
    return Json.optionalText(body, "model", defaultModel);
  }

  private static int maxTokens(JsonNode body) {
    JsonNode newer = body.get("max_completion_tokens");
    String field = newer != null && !newer.isNull() ? "max_completion_tokens" : "max_tokens";
    return Json.optionalNonNegativeInt(body, field, DEFAULT_MAX_TOKENS);
  }

  private static String content(JsonNode content) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      // content parts: [{"type":"text","text":"..."}, ...]
      StringBuilder text = new StringBuilder();
      content.forEach(part -> text.append(part.path("text").asText("")));
      return text.toString();
    }
    throw new BadRequestException("message content must be a string or an array of parts");
  }

  private static float[] vector(String input, int dimensions) {
    SplittableRandom random = new SplittableRandom(input.hashCode());
    float[] vector = new float[dimensions];
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      double value = random.nextDouble(-1.0, 1.0);
      vector[i] = (float) value;
      norm += value * value;
    }
    float scale = norm == 0 ? 0f : (float) (1.0 / Math.sqrt(norm));
    for (int i = 0; i < dimensions; i++) {
      vector[i] *= scale;
    }
    return vector;
  }
}

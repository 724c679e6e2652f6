package dev.regionrouter.helm.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The instructions of a Dockerfile (continuation lines joined, comments dropped): enough to check
 * what it copies, which user it runs as and what it starts, without a Docker engine.
 */
record Dockerfile(Path path, List<Instruction> instructions) {

  record Instruction(String keyword, List<String> args) {
    /** The value of a --flag=value option, if given. */
    Optional<String> flag(String name) {
      return args.stream()
          .filter(a -> a.startsWith("--" + name + "="))
          .map(a -> a.substring(name.length() + 3))
          .findFirst();
    }

    /** Arguments other than --flags. */
    List<String> operands() {
      return args.stream().filter(a -> !a.startsWith("--")).toList();
    }
  }

  static Dockerfile read(Path path) throws IOException {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String raw : Files.readAllLines(path)) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
        continue;
      }
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      pending.append(line);
      String[] words = pending.toString().strip().split("\\s+");
      instructions.add(
          new Instruction(
              words[0].toUpperCase(), List.of(Arrays.copyOfRange(words, 1, words.length))));
      pending.setLength(0);
    }
    return new Dockerfile(path, List.copyOf(instructions));
  }

  List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  Instruction last(String keyword) {
    List<Instruction> all = all(keyword);
    if (all.isEmpty()) {
      throw new AssertionError(path + " has no " + keyword);
    }
    return all.getLast();
  }

  /** Sources of COPY instructions that read the build context (not another stage). */
  List<String> contextSources() {
    return all("COPY").stream()
        .filter(c -> c.flag("from").isEmpty())
        .flatMap(c -> c.operands().subList(0, c.operands().size() - 1).stream())
        .toList();
  }

  /** Sources of COPY --from=stage instructions. */
  List<String> stageSources(String stage) {
    return all("COPY").stream()
        .filter(c -> c.flag("from").filter(stage::equals).isPresent())
        .flatMap(c -> c.operands().subList(0, c.operands().size() - 1).stream())
        .toList();
  }

  /** Default value of an ARG. */
  String argDefault(String name) {
    return all("ARG").stream()
        .map(a -> a.args().getFirst())
        .filter(a -> a.startsWith(name + "="))
        .map(a -> a.substring(name.length() + 1))
        .findFirst()
        .orElseThrow(() -> new AssertionError(path + " has no ARG " + name + " with a default"));
  }
}

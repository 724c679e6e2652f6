package dev.regionrouter.helm.terraform;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the terraform CLI found on PATH, offline, without the machine's CLI configuration. */
final class Terraform {

  record Result(int exitCode, String output) {}

  private Terraform() {}

  static Optional<Path> onPath() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator))
        .filter(dir -> !dir.isBlank())
        .map(dir -> Path.of(dir, "terraform"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  static Result run(Path workDir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(onPath().orElseThrow().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    // a TF_CLI_CONFIG_FILE pointing at a missing file only adds warnings; no registry is reachable
    builder.environment().remove("TF_CLI_CONFIG_FILE");
    builder.environment().put("TF_IN_AUTOMATION", "1");
    builder.environment().put("TF_INPUT", "0");
    builder.environment().put("NO_COLOR", "1");
    builder.environment().put("CHECKPOINT_DISABLE", "1");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "terraform " + String.join(" ", args) + " did not finish:\n" + output);
    }
    return new Result(process.exitValue(), output);
  }
}

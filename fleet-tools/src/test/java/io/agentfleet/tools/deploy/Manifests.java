package io.agentfleet.tools.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Kubernetes objects a kustomization produces: rendered by {@code kubectl kustomize} when kubectl is on PATH,
 * else assembled in Java by following {@code resources:} (patches and components are ignored, generators are
 * approximated), which is enough for invariants that live in the base.
 */
final class Manifests {
    private static final List<String> KUSTOMIZATION_FILES =
            List.of("kustomization.yaml", "kustomization.yml", "Kustomization");
    private static final long KUBECTL_TIMEOUT_SECONDS = 60;
    private static final String GENERATED = "<generated>";

    /**
     * The objects of one kustomization and how they were obtained.
     *
     * @param description the directory and the renderer, used as the test's display name
     * @param objects every Kubernetes object, in output order
     * @param kustomized true when kubectl rendered it (patches, name hashes and namespaces applied)
     */
    record Rendering(String description, List<Map<String, Object>> objects, boolean kustomized) {
        Rendering {
            objects = List.copyOf(objects);
        }

        List<Map<String, Object>> ofKind(String kind) {
            return objects.stream()
                    .filter(o -> kind.equals(Yamls.string(o, "kind")))
                    .toList();
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private Manifests() {}

    /** Renders with kubectl if it is on PATH, else with {@link #withJavaFallback(Path)}. */
    static Rendering render(Path kustomizationDir) {
        return kubectl()
                .map(kubectl -> withKubectl(kubectl, kustomizationDir))
                .orElseGet(() -> withJavaFallback(kustomizationDir));
    }

    static Optional<Path> kubectl() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Rendering withKubectl(Path kubectl, Path kustomizationDir) {
        try {
            Path errors = Files.createTempFile("kustomize-", ".err");
            try {
                Process process = new ProcessBuilder(kubectl.toString(), "kustomize", kustomizationDir.toString())
                        .redirectError(errors.toFile())
                        .start();
                process.getOutputStream().close();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(KUBECTL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("kubectl kustomize " + kustomizationDir + " did not finish in "
                            + KUBECTL_TIMEOUT_SECONDS + " s");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("kubectl kustomize " + kustomizationDir + " failed with exit code "
                            + process.exitValue() + ":\n" + Files.readString(errors));
                }
                return new Rendering(
                        relative(kustomizationDir) + " (kubectl kustomize)",
                        Yamls.loadAll(output, "kubectl kustomize " + kustomizationDir),
                        true);
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + kubectl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted rendering " + kustomizationDir, e);
        }
    }

    /**
     * Follows {@code resources:} of the kustomization in {@code kustomizationDir} and of every kustomization it
     * names. ConfigMap and Secret generators become objects under their plain names (no hash), with
     * {@code behavior: merge} merged; Secret generator values are a placeholder, never the real content. Patches,
     * components, images and namespaces are not applied.
     */
    static Rendering withJavaFallback(Path kustomizationDir) {
        Collector collector = new Collector();
        collector.kustomization(kustomizationDir.toAbsolutePath().normalize());
        List<Map<String, Object>> objects = new ArrayList<>(collector.objects);
        collector.configMaps.forEach((name, data) -> objects.add(generated("ConfigMap", name, data)));
        collector.secrets.forEach((name, data) -> objects.add(generated("Secret", name, data)));
        return new Rendering(relative(kustomizationDir) + " (Java fallback, patches ignored)", objects, false);
    }

    private static Map<String, Object> generated(String kind, String name, Map<String, String> data) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", "v1");
        object.put("kind", kind);
        object.put("metadata", Map.of("name", name));
        object.put("data", new LinkedHashMap<>(data));
        return object;
    }

    private static String relative(Path dir) {
        Path root = ProjectRoot.find();
        Path absolute = dir.toAbsolutePath().normalize();
        return absolute.startsWith(root) ? root.relativize(absolute).toString() : absolute.toString();
    }

    private static final class Collector {
        final List<Map<String, Object>> objects = new ArrayList<>();
        final Map<String, Map<String, String>> configMaps = new LinkedHashMap<>();
        final Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
        private final Set<Path> visited = new HashSet<>();

        void kustomization(Path dir) {
            if (!visited.add(dir)) {
                throw new IllegalStateException("kustomization " + dir + " is included twice (cycle or duplicate)");
            }
            Path file = kustomizationFile(dir);
            Map<String, Object> kustomization = Yamls.load(file);
            for (String key : List.of("resources", "bases")) {
                for (Object entry : Yamls.list(kustomization, key)) {
                    resource(dir, String.valueOf(entry), file);
                }
            }
            generators(dir, Yamls.maps(kustomization, "configMapGenerator"), configMaps, false);
            generators(dir, Yamls.maps(kustomization, "secretGenerator"), secrets, true);
        }

        private void resource(Path dir, String entry, Path from) {
            if (entry.contains("://") || entry.startsWith("github.com/")) {
                throw new IllegalStateException(from + " names the remote resource " + entry
                        + ", which the Java fallback cannot fetch; install kubectl");
            }
            Path target = dir.resolve(entry).normalize();
            if (Files.isDirectory(target)) {
                kustomization(target);
            } else if (Files.isRegularFile(target)) {
                objects.addAll(Yamls.loadAll(target));
            } else {
                throw new IllegalStateException(
                        from + " lists resource " + entry + ", but " + target + " does not exist");
            }
        }

        private static void generators(
                Path dir, List<Map<String, Object>> generators, Map<String, Map<String, String>> into, boolean secret) {
            for (Map<String, Object> generator : generators) {
                String name = Yamls.string(generator, "name");
                Map<String, String> data = new LinkedHashMap<>();
                for (Object literal : Yamls.list(generator, "literals")) {
                    String text = String.valueOf(literal);
                    int eq = text.indexOf('=');
                    data.put(
                            eq < 0 ? text : text.substring(0, eq),
                            secret ? GENERATED : eq < 0 ? "" : text.substring(eq + 1));
                }
                for (Object fileEntry : Yamls.list(generator, "files")) {
                    String text = String.valueOf(fileEntry);
                    int eq = text.indexOf('=');
                    String key = eq < 0 ? Path.of(text).getFileName().toString() : text.substring(0, eq);
                    Path source = dir.resolve(eq < 0 ? text : text.substring(eq + 1));
                    data.put(key, secret ? GENERATED : Yamls.read(source));
                }
                if ("merge".equals(Yamls.string(generator, "behavior")) && into.containsKey(name)) {
                    into.get(name).putAll(data);
                } else {
                    into.put(name, data);
                }
            }
        }

        private static Path kustomizationFile(Path dir) {
            for (String name : KUSTOMIZATION_FILES) {
                Path file = dir.resolve(name);
                if (Files.isRegularFile(file)) {
                    return file;
                }
            }
            throw new IllegalStateException("no kustomization file in " + dir);
        }
    }
}

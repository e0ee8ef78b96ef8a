package org.lorapipe.dataset.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.lorapipe.contract.json.Json;

/**
 * The reference renderer: Python's jinja2 in the environment transformers builds
 * ({@code chat-templates/render_reference.py}), run by Debian's {@code python3} with {@code
 * python3-jinja2}. Renders a batch of cases in one process.
 */
final class PythonJinja {
    static final Path PYTHON = Path.of("/usr/bin/python3");

    /** One case: a template, a conversation, and the variables. */
    record Case(
            String template,
            List<ChatTemplate.Message> messages,
            boolean addGenerationPrompt,
            Map<String, Object> tokens) {}

    /** What Python made of a case: the text, or the template's refusal, or another error. */
    record Outcome(String text, String raised, String error) {}

    private PythonJinja() {}

    static List<Outcome> render(List<Case> cases, Path tmp) throws IOException, InterruptedException {
        ArrayNode input = Json.mapper().createArrayNode();
        for (Case c : cases) {
            ObjectNode node = input.addObject();
            node.put("template", c.template());
            ArrayNode messages = node.putArray("messages");
            for (ChatTemplate.Message m : c.messages()) {
                messages.add(Json.mapper().valueToTree(m.toMap()));
            }
            node.put("add_generation_prompt", c.addGenerationPrompt());
            node.set("tokens", Json.mapper().valueToTree(c.tokens()));
        }
        Path script = tmp.resolve("render_reference.py");
        try (InputStream in = PythonJinja.class.getResourceAsStream("/chat-templates/render_reference.py")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path output = tmp.resolve("reference-output.json");
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString())
                .redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(Json.write(input).getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(PYTHON + " " + script + " failed: is python3-jinja2 installed?");
        }
        List<Outcome> out = new ArrayList<>();
        for (JsonNode n : Json.mapper().readTree(output.toFile())) {
            out.add(
                    n.isTextual()
                            ? new Outcome(n.textValue(), null, null)
                            : new Outcome(
                                    null,
                                    n.path("raised").asText(null),
                                    n.path("error").asText(null)));
        }
        return out;
    }
}

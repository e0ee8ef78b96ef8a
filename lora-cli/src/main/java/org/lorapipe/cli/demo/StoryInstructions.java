package org.lorapipe.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipe.contract.json.Json;

/**
 * The example task: teach stories260K (a TinyStories model that ignores instructions) to follow "Write a
 * story about a {animal} named {name}." with a short TinyStories-style story that uses both. Records
 * are generated from name, animal, adjective and activity lists, deterministically (seed 7):
 *
 * <ul>
 *   <li>{@code train.jsonl}: 400 of the 480 (name, animal) pairings of 40 names x 12 animals;
 *   <li>{@code eval-held-out-pairings.jsonl}: 20 pairings never seen in training (each name and animal
 *       was, just not together) for the {@code generation} evaluation of {@code request.json};
 *   <li>{@code eval-unseen-names.jsonl}: names never seen in training, a harder, honest check.
 * </ul>
 *
 * Run: {@code java -cp ... org.lorapipe.cli.demo.StoryInstructions examples/stories-instruct}.
 */
public final class StoryInstructions {
    public static final List<String> NAMES = List.of(
            "Tom", "Lily", "Max", "Sue", "Ben", "Mia", "Sam", "Anna", "Tim", "Lucy", "Jack", "Amy", "Bob", "Kate",
            "Leo", "Zoe", "Dan", "Emma", "Joe", "Ella", "Ned", "Rose", "Finn", "Jane", "Pip", "Molly", "Ted", "Daisy",
            "Jim", "Lola", "Ray", "Ruby", "Roy", "Sara", "Gus", "Nora", "Ollie", "Ivy", "Hank", "Tess");
    public static final List<String> ANIMALS =
            List.of("cat", "dog", "bird", "fish", "frog", "bunny", "bear", "duck", "mouse", "lion", "puppy", "horse");
    /** Names that never appear in training. */
    public static final List<String> UNSEEN_NAMES = List.of("Wren", "Otto", "Cleo", "Hugo", "Maple");

    private static final List<String> ADJECTIVES =
            List.of("little", "happy", "small", "kind", "brave", "funny", "friendly", "curious");
    private static final List<String> LIKES = List.of(
            "play in the park",
            "run in the grass",
            "eat yummy food",
            "look at the sky",
            "jump in the water",
            "sing songs",
            "play with a red ball",
            "sleep in the sun");
    private static final List<String> EVENTS = List.of(
            "found a shiny stone",
            "met a new friend",
            "saw a big tree",
            "lost a toy",
            "heard a loud noise",
            "found a little box",
            "saw a pretty flower",
            "got a big hug");
    private static final List<String> ENDINGS = List.of(
            "was very happy",
            "smiled all day",
            "had a fun day",
            "said thank you",
            "went home with a big smile",
            "felt proud");

    public static final int TRAIN_RECORDS = 400;

    private StoryInstructions() {}

    public static String prompt(String name, String animal) {
        return "Write a story about a " + animal + " named " + name + ".";
    }

    /** A 4-5 sentence story that names both. */
    public static String story(String name, String animal, SplittableRandom random) {
        String adjective = pick(ADJECTIVES, random);
        StringBuilder s = new StringBuilder("Once upon a time, there was a " + adjective + " " + animal + " named "
                + name + ". " + name + " liked to " + pick(LIKES, random) + ". One day, " + name + " "
                + pick(EVENTS, random) + ".");
        if (random.nextBoolean()) {
            s.append(" The ").append(animal).append(" wanted to show it to a friend.");
        }
        s.append(" ").append(name).append(" ").append(pick(ENDINGS, random)).append(".");
        return s.toString();
    }

    private static String pick(List<String> list, SplittableRandom random) {
        return list.get(random.nextInt(list.size()));
    }

    /** The 480 pairings in a fixed shuffled order: the first 400 train, the rest are held out. */
    public static List<String[]> pairings() {
        List<String[]> all = new ArrayList<>();
        for (String name : NAMES) {
            for (String animal : ANIMALS) {
                all.add(new String[] {name, animal});
            }
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = all.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String[] t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        return all;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "examples/stories-instruct");
        Files.createDirectories(dir);
        List<String[]> pairings = pairings();
        SplittableRandom random = new SplittableRandom(11);
        StringBuilder train = new StringBuilder();
        for (String[] p : pairings.subList(0, TRAIN_RECORDS)) {
            Map<String, String> record = new LinkedHashMap<>();
            record.put("instruction", prompt(p[0], p[1]));
            record.put("input", "");
            record.put("output", story(p[0], p[1], random));
            train.append(Json.write(record)).append('\n');
        }
        Files.writeString(dir.resolve("train.jsonl"), train.toString(), StandardCharsets.UTF_8);
        List<Map<String, Object>> heldOut = new ArrayList<>();
        for (String[] p : pairings.subList(TRAIN_RECORDS, TRAIN_RECORDS + 20)) {
            heldOut.add(check(p[0], p[1]));
        }
        List<Map<String, Object>> unseen = new ArrayList<>();
        for (int i = 0; i < UNSEEN_NAMES.size() * 2; i++) {
            unseen.add(check(UNSEEN_NAMES.get(i % UNSEEN_NAMES.size()), ANIMALS.get((i * 5) % ANIMALS.size())));
        }
        Files.writeString(dir.resolve("eval-held-out-pairings.jsonl"), jsonl(heldOut));
        Files.writeString(dir.resolve("eval-unseen-names.jsonl"), jsonl(unseen));
    }

    private static String jsonl(List<Map<String, Object>> records) {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> r : records) {
            out.append(Json.write(r)).append('\n');
        }
        return out.toString();
    }

    /** A generation check: the alpaca prompt of the instruction; the story must name both. */
    private static Map<String, Object> check(String name, String animal) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("prompt", String.format(ALPACA_NO_INPUT, prompt(name, animal)));
        check.put("expect", List.of(name, animal));
        return check;
    }

    /** The alpaca template the dataset stage applies (without input), so checks see what training saw. */
    static final String ALPACA_NO_INPUT = "Below is an instruction that describes a task. Write a response that"
            + " appropriately completes the request.\n\n### Instruction:\n%s\n\n### Response:\n";
}

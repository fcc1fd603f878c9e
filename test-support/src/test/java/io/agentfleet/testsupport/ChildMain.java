package io.agentfleet.testsupport;

/** A tiny program for {@link JavaProcessTest}: {@code exit N}, {@code hang}, or {@code die}. */
public final class ChildMain {

    private ChildMain() {}

    public static void main(String[] args) throws InterruptedException {
        System.out.println("started with " + String.join(" ", args));
        System.out.println("greeting=" + System.getProperty("child.greeting") + " env=" + System.getenv("CHILD_ENV"));
        switch (args[0]) {
            case "exit" -> System.exit(Integer.parseInt(args[1]));
            case "hang" -> hang();
            case "die" -> throw new IllegalStateException("dying on purpose");
            default -> System.exit(64);
        }
    }

    private static void hang() throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
        System.out.println("waiting");
        Thread.sleep(Long.MAX_VALUE);
    }
}

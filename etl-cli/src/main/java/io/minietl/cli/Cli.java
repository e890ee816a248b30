package io.minietl.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * Runs a picocli command tree the way every Mini ETL entry point does.
 *
 * <ul>
 *   <li>Every command gets {@code --help}, {@code --version} (the build's version) and {@code
 *       --verbose} ({@code MINIETL_VERBOSE}: 1, true or yes).
 *   <li>Options annotated {@link Env} take their default from that variable (flag, then variable,
 *       then {@code defaultValue}); the help shows the variable and the declared default.
 *   <li>Command classes with a constructor taking a {@link CommandContext} get it; others are made
 *       by picocli's default factory. A command is a {@code Callable<Integer>} (its exit code) or
 *       {@code Callable<?>}/{@code Runnable} (exit 0 when it returns).
 *   <li>Outcomes map to {@link ExitCode}: a parse error or {@link UsageException} is {@link
 *       ExitCode#USAGE}; exceptions registered with {@link Builder#onError} their code; anything
 *       else {@link ExitCode#FAILED}.
 *   <li>An error is one line {@code NAME: message} on standard error, the deepest cause's message
 *       on the next line, the stack trace only with {@code --verbose}; lines are cut at {@value
 *       #MAX_LINE} characters.
 * </ul>
 *
 * <p>Immutable; each {@link #run} builds a fresh command tree, so runs do not share option state.
 */
public final class Cli {
  static final int MAX_LINE = 300;

  private final String name;
  private final Class<?> topCommand;
  private final List<ErrorMapping<?>> errors;

  private Cli(Builder b) {
    this.name = b.name;
    this.topCommand = b.topCommand;
    this.errors = List.copyOf(b.errors);
  }

  /**
   * A runner for the command tree under {@code topCommand} (a picocli {@code @Command} class whose
   * {@code subcommands} are the program's commands); {@code name} prefixes error lines.
   */
  public static Builder builder(String name, Class<?> topCommand) {
    return new Builder(name, topCommand);
  }

  /** The build's version, as {@code --version} prints it after the program name. */
  public static String version() {
    return BuildVersion.current();
  }

  /** The {@link Env} variable of an option, or null. */
  public static String environmentVariable(ArgSpec spec) {
    Object member = spec.userObject();
    if (member instanceof AnnotatedElement e) {
      Env env = e.getAnnotation(Env.class);
      return env == null ? null : env.value();
    }
    return null;
  }

  /**
   * Parses and runs one command line; returns the exit code. Never throws for bad input or a
   * failing command: both are printed to {@code context.err()}.
   */
  public int run(List<String> args, CommandContext context) {
    boolean verbose = isVerbose(args, context);
    EnvironmentDefaults defaults = new EnvironmentDefaults(context);
    CommandLine commandLine = commandLine(context, defaults);
    try {
      ParseResult parsed = commandLine.parseArgs(args.toArray(String[]::new));
      Integer help = CommandLine.executeHelpRequest(parsed);
      if (help != null) {
        return help;
      }
      while (parsed.hasSubcommand()) {
        parsed = parsed.subcommand();
      }
      CommandLine selected = parsed.commandSpec().commandLine();
      Object command = selected.getCommand();
      if (command instanceof Callable<?> callable) {
        Object result = callable.call();
        return result instanceof Integer code ? code : ExitCode.OK.code();
      }
      if (command instanceof Runnable runnable) {
        runnable.run();
        return ExitCode.OK.code();
      }
      throw new ParameterException(
          selected,
          "Missing command: use one of " + String.join(", ", selected.getSubcommands().keySet()));
    } catch (ParameterException e) {
      return usageError(context.err(), e, defaults, verbose);
    } catch (Exception e) {
      return failure(context.err(), e, verbose);
    } finally {
      commandLine.getOut().flush();
      commandLine.getErr().flush();
      context.out().flush();
      context.err().flush();
    }
  }

  /**
   * The configured picocli command tree, as {@link #run} uses it (for tests and tools that read the
   * model, e.g. a docs check of every option and its variable).
   */
  public CommandLine commandLine(CommandContext context) {
    return commandLine(context, new EnvironmentDefaults(context));
  }

  /**
   * Parses {@code args} without running anything and returns the selected command object with its
   * options set (tests of option defaults and precedence).
   *
   * @throws UsageException for arguments that {@link #run} would reject as usage errors
   */
  public Object parse(List<String> args, CommandContext context) {
    EnvironmentDefaults defaults = new EnvironmentDefaults(context);
    CommandLine commandLine = commandLine(context, defaults);
    try {
      ParseResult parsed = commandLine.parseArgs(args.toArray(String[]::new));
      while (parsed.hasSubcommand()) {
        parsed = parsed.subcommand();
      }
      return parsed.commandSpec().userObject();
    } catch (ParameterException e) {
      throw new UsageException(usageMessage(e, defaults), e);
    }
  }

  private CommandLine commandLine(CommandContext context, EnvironmentDefaults defaults) {
    CommandLine top = new CommandLine(topCommand, new ContextFactory(context));
    List<CommandLine> all = new ArrayList<>();
    collect(top, all);
    String versionLine = name + " " + version();
    String footer = "%nExit codes: " + ExitCode.summary() + " (README, \"Exit codes\").";
    for (CommandLine c : all) {
      CommandSpec spec = c.getCommandSpec();
      spec.mixinStandardHelpOptions(true);
      spec.versionProvider(() -> new String[] {versionLine});
      if (!spec.optionsMap().containsKey(VerboseOption.FLAG)) {
        c.addMixin("verbose", new VerboseOption());
      }
      spec.usageMessage().sortOptions(false);
      if (spec.usageMessage().footer().length == 0) {
        spec.usageMessage().footer(footer);
      }
    }
    top.setHelpFactory(EnvironmentHelp::new);
    top.setDefaultValueProvider(defaults);
    top.setExpandAtFiles(false);
    top.setUsageHelpWidth(100);
    top.setCaseInsensitiveEnumValuesAllowed(true);
    top.registerConverter(Integer.class, Cli::toInt);
    top.registerConverter(Integer.TYPE, Cli::toInt);
    top.registerConverter(Long.class, new Converters.WholeNumber());
    top.registerConverter(Long.TYPE, new Converters.WholeNumber());
    top.registerConverter(Double.class, new Converters.Number());
    top.registerConverter(Double.TYPE, new Converters.Number());
    top.registerConverter(Boolean.class, new Converters.Switch());
    top.registerConverter(Boolean.TYPE, new Converters.Switch());
    top.setOut(new PrintWriter(context.out(), true));
    top.setErr(new PrintWriter(context.err(), true));
    return top;
  }

  private static Integer toInt(String value) {
    long n = new Converters.WholeNumber().convert(value);
    if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
      throw new TypeConversionException("expected a whole number below 2^31");
    }
    return (int) n;
  }

  private static void collect(CommandLine c, List<CommandLine> all) {
    all.add(c);
    for (CommandLine sub : c.getSubcommands().values()) {
      if (!all.contains(sub)) {
        collect(sub, all);
      }
    }
  }

  private static boolean isVerbose(List<String> args, CommandContext context) {
    if (args.contains(VerboseOption.FLAG)) {
      return true;
    }
    String v = context.variable(VerboseOption.VARIABLE);
    if (v == null) {
      return false;
    }
    try {
      return new Converters.Switch().convert(v);
    } catch (TypeConversionException e) {
      return false; // the parse reports it
    }
  }

  private int usageError(
      PrintStream err, ParameterException e, EnvironmentDefaults defaults, boolean verbose) {
    String hint = " (see " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)";
    err.println(cut(name + ": " + usageMessage(e, defaults) + hint));
    if (verbose) {
      e.printStackTrace(err);
    }
    return ExitCode.USAGE.code();
  }

  /** picocli's message, rephrased to name the variable a bad value came from and the form. */
  private static String usageMessage(ParameterException e, EnvironmentDefaults defaults) {
    if (e instanceof MissingParameterException missing) {
      List<String> names = new ArrayList<>();
      for (ArgSpec spec : missing.getMissing()) {
        String variable = environmentVariable(spec);
        String flag = spec.isOption() ? ((OptionSpec) spec).longestName() : spec.paramLabel();
        names.add(flag + (variable == null ? "" : " (or " + variable + ")"));
      }
      return "Missing " + String.join(", ", names);
    }
    ArgSpec spec = e.getArgSpec();
    String value = e.getValue();
    if (spec != null && value != null && e.getCause() instanceof TypeConversionException cause) {
      String variable = defaults.variableOf(spec, value);
      String source =
          variable != null
              ? variable
              : spec.isOption() ? ((OptionSpec) spec).longestName() : spec.paramLabel();
      return "Invalid " + source + " '" + value + "': " + cause.getMessage();
    }
    return firstLine(e.getMessage());
  }

  private int failure(PrintStream err, Exception e, boolean verbose) {
    ExitCode code = e instanceof UsageException ? ExitCode.USAGE : ExitCode.FAILED;
    String message = null;
    for (ErrorMapping<?> m : errors) {
      if (m.type.isInstance(e)) {
        code = m.code;
        message = m.message(e);
        break;
      }
    }
    if (message == null) {
      message = e.getMessage() == null ? e.toString() : e.getMessage();
    }
    String line = firstLine(message);
    err.println(cut(name + ": " + line));
    // The nearest cause that adds something: SDK wrappers name the host, their roots do not.
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      String cause = firstLine(c.getMessage());
      if (!cause.isBlank() && !line.contains(cause)) {
        err.println(cut("  cause: " + cause));
        break;
      }
    }
    if (verbose) {
      e.printStackTrace(err);
    }
    return code.code();
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("").trim();
  }

  private static String cut(String line) {
    // ASCII dots: a terminal without a UTF-8 locale shows "…" as "?".
    return line.length() <= MAX_LINE ? line : line.substring(0, MAX_LINE - 3) + "...";
  }

  /** Builds a {@link Cli}. */
  public static final class Builder {
    private final String name;
    private final Class<?> topCommand;
    private final List<ErrorMapping<?>> errors = new ArrayList<>();

    private Builder(String name, Class<?> topCommand) {
      this.name = Objects.requireNonNull(name, "name");
      this.topCommand = Objects.requireNonNull(topCommand, "topCommand");
    }

    /** A command failing with {@code type} (or a subtype) exits with {@code code}. */
    public <T extends Throwable> Builder onError(Class<T> type, ExitCode code) {
      return onError(type, code, null);
    }

    /**
     * A command failing with {@code type} (or a subtype) exits with {@code code}, its error line
     * being {@code message} of the exception. The first matching registration wins.
     */
    public <T extends Throwable> Builder onError(
        Class<T> type, ExitCode code, Function<? super T, String> message) {
      errors.add(
          new ErrorMapping<>(
              Objects.requireNonNull(type, "type"), Objects.requireNonNull(code, "code"), message));
      return this;
    }

    public Cli build() {
      return new Cli(this);
    }
  }

  private record ErrorMapping<T extends Throwable>(
      Class<T> type, ExitCode code, Function<? super T, String> messages) {
    String message(Throwable e) {
      return messages == null ? null : messages.apply(type.cast(e));
    }
  }

  /** Gives command classes with a {@code (CommandContext)} constructor the context. */
  private static final class ContextFactory implements IFactory {
    private final CommandContext context;
    private final IFactory standard = CommandLine.defaultFactory();
    private final Map<Class<?>, Object> made = new LinkedHashMap<>();

    ContextFactory(CommandContext context) {
      this.context = context;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        Constructor<K> c = cls.getDeclaredConstructor(CommandContext.class);
        c.setAccessible(true);
        K made = c.newInstance(context);
        this.made.put(cls, made);
        return made;
      } catch (NoSuchMethodException e) {
        return standard.create(cls);
      }
    }
  }
}

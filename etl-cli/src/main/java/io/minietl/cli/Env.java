package io.minietl.cli;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The environment variable that supplies a picocli option's value when its flag is not given. A
 * flag wins over its variable, which wins over the option's {@code defaultValue}; a blank variable
 * counts as unset. {@code --help} shows the variable beside the default, and an invalid value is
 * reported under the variable's name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface Env {
  /** The variable's name, e.g. {@code MINIETL_STREAM}. */
  String value();
}

package io.minietl.testing;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Resolves the local stack's parameters; registered by {@link LocalStack}, where its behaviour is
 * described. The emulators live in the root {@link ExtensionContext} store.
 */
public final class LocalStackExtension implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KinesisEmulator.class
        || type == S3Emulator.class
        || type == Emulators.class
        || type == KinesisClient.class
        || type == S3Client.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Emulators emulators = new Emulators(context, flavor(parameter, context));
    Class<?> type = parameter.getParameter().getType();
    if (type == KinesisEmulator.class) {
      return emulators.kinesis();
    } else if (type == KinesisClient.class) {
      return emulators.kinesis().client();
    } else if (type == S3Emulator.class) {
      return emulators.s3();
    } else if (type == S3Client.class) {
      return emulators.s3().client();
    } else if (type == Emulators.class) {
      return emulators;
    }
    throw new ParameterResolutionException("Cannot resolve a parameter of type " + type);
  }

  /** The flavor of the nearest {@link LocalStack}: parameter, method, class, enclosing classes. */
  private static KinesisFlavor flavor(ParameterContext parameter, ExtensionContext context) {
    Optional<LocalStack> found = parameter.findAnnotation(LocalStack.class);
    for (Optional<ExtensionContext> c = Optional.of(context);
        found.isEmpty() && c.isPresent();
        c = c.get().getParent()) {
      found =
          c.get()
              .getElement()
              .flatMap(element -> AnnotationSupport.findAnnotation(element, LocalStack.class));
    }
    return found.map(LocalStack::kinesis).orElse(KinesisFlavor.KINESALITE);
  }
}

package io.minietl.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test the local stack: parameters of type {@link KinesisEmulator}, {@link S3Emulator},
 * {@link Emulators}, {@code KinesisClient} and {@code S3Client} are injected.
 *
 * <p>Each emulator starts the first time a test asks for it and is shared by every test in the JVM
 * (failsafe runs all {@code *IT} classes of a module in one JVM), then stopped when the test run
 * ends. Tests share the emulators, not streams or buckets: create a fresh stream ({@link
 * KinesisEmulator#createStream(int)}) and bucket ({@link S3Emulator#createBucket()}) per test.
 *
 * <p>The Kinesis flavor comes from the nearest {@code @LocalStack}: on the parameter, the method,
 * the class, then the enclosing classes. To run a test on both, take the flavor as a parameter:
 *
 * <pre>{@code
 * @LocalStack
 * class IngestIT {
 *   @Test
 *   void readsEverything(KinesisEmulator kinesis, S3Emulator s3) { ... } // kinesalite
 *
 *   @ParameterizedTest
 *   @EnumSource(KinesisFlavor.class)
 *   void survivesResharding(KinesisFlavor flavor, Emulators emulators) {
 *     KinesisEmulator kinesis = emulators.kinesis(flavor);
 *     ...
 *   }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.PARAMETER})
@ExtendWith(LocalStackExtension.class)
public @interface LocalStack {
  /** The Kinesis emulator injected as {@link KinesisEmulator} or {@code KinesisClient}. */
  KinesisFlavor kinesis() default KinesisFlavor.KINESALITE;
}

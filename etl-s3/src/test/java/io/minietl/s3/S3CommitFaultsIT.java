package io.minietl.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.storage.ObjectStore.PutResult;
import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The conditional create's answers that only a flaky network gives ({@link
 * S3ObjectStore#putIfAbsent}: a 412 after the SDK retried, a 409 conflict, a 503 left after the
 * retries), on the wire to s3proxy: the SDK, its retries and s3proxy's real {@code If-None-Match}
 * run; only the chosen attempts are answered by the fault, between the SDK and its HTTP client.
 */
@LocalStack
class S3CommitFaultsIT {
  private final FaultyHttpClient http = new FaultyHttpClient();
  private S3Emulator s3;
  private S3Client client;
  private String bucket;

  @BeforeEach
  void client(S3Emulator s3) {
    this.s3 = s3;
    this.client =
        s3.clientBuilder()
            .httpClient(http)
            .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)) // 3 attempts
            .build();
    this.bucket = s3.createBucket();
  }

  @AfterEach
  void close() {
    client.close();
  }

  private S3ObjectStore store() {
    return S3ObjectStore.create(client, URI.create("s3://" + bucket + "/ds"));
  }

  private Optional<String> stored(String key) {
    return store().get(key).map(b -> new String(b, StandardCharsets.UTF_8));
  }

  @Test
  void ourWriteAppliedButAnsweredWith500IsRecognisedAfterTheRetrys412() {
    http.faults.add(Fault.APPLY_THEN_500);

    PutResult result = store().putIfAbsent("_manifest/1.json", bytes("ours"));

    assertThat(http.conditionalPuts.get()).as("the SDK retried once").isEqualTo(2);
    assertThat(result).isEqualTo(PutResult.CREATED);
    assertThat(stored("_manifest/1.json")).contains("ours");
  }

  @Test
  void anotherWritersObjectFoundByTheRetryIsTheirs() {
    store().put("_manifest/1.json", bytes("theirs"));
    http.faults.add(Fault.REFUSE_500);

    PutResult result = store().putIfAbsent("_manifest/1.json", bytes("ours"));

    assertThat(http.conditionalPuts.get()).isEqualTo(2);
    assertThat(result).isEqualTo(PutResult.ALREADY_EXISTS);
    assertThat(stored("_manifest/1.json")).contains("theirs");
  }

  @Test
  void a409ConflictIsIssuedAgain() {
    http.faults.add(Fault.REFUSE_409);

    PutResult result = store().putIfAbsent("_manifest/1.json", bytes("ours"));

    assertThat(http.conditionalPuts.get())
        .as("S3 does not retry a 409; the store does")
        .isEqualTo(2);
    assertThat(result).isEqualTo(PutResult.CREATED);
    assertThat(stored("_manifest/1.json")).contains("ours");
  }

  @Test
  void a503LeftAfterTheSdksRetriesIsUnknownAndWroteNothing() {
    for (int i = 0; i < 3; i++) {
      http.faults.add(Fault.REFUSE_503);
    }

    PutResult result = store().putIfAbsent("_manifest/1.json", bytes("ours"));

    assertThat(http.conditionalPuts.get()).isEqualTo(3);
    assertThat(result).isEqualTo(PutResult.UNKNOWN);
    assertThat(stored("_manifest/1.json")).isEmpty();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** What the next conditional PUT attempt meets. */
  private enum Fault {
    /** Sent to s3proxy (and applied), then answered 500 as if the answer was lost. */
    APPLY_THEN_500(500, "InternalError", true),
    /** Answered 500 without reaching s3proxy. */
    REFUSE_500(500, "InternalError", false),
    /** Answered 409 ConditionalRequestConflict without reaching s3proxy, as S3 does. */
    REFUSE_409(409, "ConditionalRequestConflict", false),
    /** Answered 503 SlowDown without reaching s3proxy. */
    REFUSE_503(503, "SlowDown", false);

    final int status;
    final String code;
    final boolean sent;

    Fault(int status, String code, boolean sent) {
      this.status = status;
      this.code = code;
      this.sent = sent;
    }
  }

  /**
   * The real HTTP client, except for conditional PUTs ({@code If-None-Match}) while faults are
   * queued: each takes the next fault.
   */
  private static final class FaultyHttpClient implements SdkHttpClient {
    final SdkHttpClient real = Apache5HttpClient.create();
    final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    final AtomicInteger conditionalPuts = new AtomicInteger();

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      boolean conditionalPut =
          request.httpRequest().method() == SdkHttpMethod.PUT
              && request.httpRequest().firstMatchingHeader("If-None-Match").isPresent();
      if (!conditionalPut) {
        return real.prepareRequest(request);
      }
      conditionalPuts.incrementAndGet();
      Fault fault = faults.poll();
      if (fault == null) {
        return real.prepareRequest(request);
      }
      ExecutableHttpRequest sent = fault.sent ? real.prepareRequest(request) : null;
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() throws IOException {
          if (sent != null) {
            HttpExecuteResponse applied = sent.call();
            assertThat(applied.httpResponse().statusCode()).isEqualTo(200);
            applied.responseBody().ifPresent(AbortableInputStream::abort);
          }
          byte[] body =
              ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                      + fault.code
                      + "</Code><Message>injected</Message></Error>")
                  .getBytes(StandardCharsets.UTF_8);
          return HttpExecuteResponse.builder()
              .response(
                  SdkHttpResponse.builder()
                      .statusCode(fault.status)
                      .putHeader("Content-Type", "application/xml")
                      .putHeader("Content-Length", Integer.toString(body.length))
                      .build())
              .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
              .build();
        }

        @Override
        public void abort() {
          if (sent != null) {
            sent.abort();
          }
        }
      };
    }

    @Override
    public String clientName() {
      return "faulty-" + real.clientName();
    }

    @Override
    public void close() {
      real.close();
    }
  }
}

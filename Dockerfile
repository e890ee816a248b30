# Images of etl-ingest and the sample producer, built from this repository by Maven.
#   docker build -t mini-etl .          (docker-compose.yml builds it as mini-etl:local)
# The build stage skips the tests (CI runs them) and the npm install of the Node emulators, which
# only the tests and ./demo use (-Dexec.skip).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so that a source change does not download them again.
COPY pom.xml ./
COPY etl-cli/pom.xml etl-cli/
COPY etl-core/pom.xml etl-core/
COPY etl-s3/pom.xml etl-s3/
COPY etl-kinesis/pom.xml etl-kinesis/
COPY etl-ingest/pom.xml etl-ingest/
COPY etl-flink/pom.xml etl-flink/
COPY test-support/pom.xml test-support/
COPY training-reader/pom.xml training-reader/
COPY examples/pom.xml examples/
COPY benchmarks/pom.xml benchmarks/
COPY build build
COPY package.json package-lock.json ./
RUN mvn -B -ntp -q -Dexec.skip -DskipTests dependency:go-offline -pl examples -am || true
COPY . .
RUN mvn -B -ntp -Dexec.skip -DskipTests package -pl etl-ingest,etl-flink,examples -am \
 && mkdir /out && cp etl-ingest/target/etl-ingest.jar examples/target/examples.jar \
    etl-flink/target/etl-flink-cluster.jar /out/

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app etl
WORKDIR /app
COPY --from=build /out/etl-ingest.jar /out/examples.jar /out/etl-flink-cluster.jar /app/
USER etl
# Arrow needs --add-opens=java.base/java.nio=ALL-UNNAMED: the jars' manifests carry it (Add-Opens).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "-jar", "/app/etl-ingest.jar"]
CMD ["--help"]

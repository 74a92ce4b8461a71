# Build: docker build -t freight .
# Run:   docker run -p 8080:8080 -e FREIGHT_DB_URL=postgresql://user:pass@db:5432/freight freight
# In a container Freight expects an external PostgreSQL (14 or newer) through FREIGHT_DB_URL.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY openapi.yaml .
COPY conf conf
COPY src src
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --home-dir /var/lib/freight --create-home freight
USER freight
WORKDIR /var/lib/freight
COPY --from=build /src/target/freight.jar /opt/freight/freight.jar
ENV FREIGHT_HTTP_HOST=0.0.0.0 \
    FREIGHT_HTTP_PORT=8080 \
    FREIGHT_DATA_DIR=/var/lib/freight/data
# 5701 and 5702: Hazelcast and the event bus, when FREIGHT_CLUSTER_MEMBERS makes the node one of a
# cluster (set FREIGHT_CLUSTER_HOST to the address the other nodes reach it at).
EXPOSE 8080 5701 5702
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/freight/freight.jar"]

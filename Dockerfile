# segline image: build the jar first (./mvnw -DskipTests package), then `docker build -t segline .`
FROM eclipse-temurin:17-jre
WORKDIR /opt/segline
COPY target/segline.jar segline.jar
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-jar", "/opt/segline/segline.jar"]
CMD ["--help"]

package io.segline.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made for one test and a server certificate it signs for {@code localhost} and
 * {@code 127.0.0.1}, written as PKCS12 stores with the JDK's {@code keytool}: the server's key store
 * (key, certificate and chain), a trust store holding the CA, and a trust store holding another CA that
 * signed nothing here (for "untrusted certificate" cases).
 */
public record TestCertificates(Path serverKeyStore, Path trustStore, Path foreignTrustStore, String password) {
    private static final String PASSWORD = "test-store-secret";

    /** Makes the stores under {@code dir}; takes a few seconds (RSA key generation). */
    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.p12");
        Path server = dir.resolve("server.p12");
        Path trust = dir.resolve("truststore.p12");
        Path foreignCa = dir.resolve("foreign-ca.p12");
        Path foreignTrust = dir.resolve("foreign-truststore.p12");
        Path caPem = dir.resolve("ca.pem");
        Path request = dir.resolve("server.csr");
        Path signed = dir.resolve("server.pem");
        Path foreignPem = dir.resolve("foreign-ca.pem");

        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=segline test CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caPem.toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-validity", "2", "-keystore", server.toString());
        keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-file", request.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-infile", request.toString(),
                "-outfile", signed.toString(), "-validity", "2", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-ext", "EKU=serverAuth,clientAuth");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", server.toString());
        keytool("-importcert", "-noprompt", "-alias", "server", "-file", signed.toString(), "-keystore", server.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", trust.toString());

        keytool("-genkeypair", "-alias", "foreign", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=someone else's CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", foreignCa.toString());
        keytool("-exportcert", "-rfc", "-alias", "foreign", "-keystore", foreignCa.toString(), "-file", foreignPem.toString());
        keytool("-importcert", "-noprompt", "-alias", "foreign", "-file", foreignPem.toString(), "-keystore", foreignTrust.toString());
        return new TestCertificates(server, trust, foreignTrust, PASSWORD);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if (List.of(args).contains("-genkeypair")) {
            command.addAll(List.of("-keypass", PASSWORD));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }
}

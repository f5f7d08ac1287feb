package dev.fanout.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.TestServer;
import dev.fanout.server.testing.TestTls;
import dev.fanout.server.tls.SelfSignedPair;
import dev.fanout.server.tls.TlsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The live page in a real browser: Debian's chromium, headless, driven through its chromedriver (both installed by
 * ./test). The page loads, shows a client that connected over TCP, carries a message typed in its chat box to a
 * TCP client and shows one a TCP client sent, with no error in the browser's console.
 */
class LivePageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path directory;
    private TestServer server;
    private ChromeDriver browser;

    @BeforeEach
    void checkBrowser() {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("chromium and chromedriver (Debian's chromium and chromium-driver): ./test installs them")
                .isTrue();
    }

    /** Starts the browser; {@code trusting}, the certificate of a server with TLS it is to trust. */
    private void startBrowser(SelfSignedPair trusting) {
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--no-first-run", "--disable-extensions");
        if (trusting != null) {
            // The test's own self-signed certificate, trusted by its public key alone (SPKI pin), not every one.
            options.addArguments("--ignore-certificate-errors-spki-list=" + spki(trusting));
        }
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(TestServer.PATIENCE);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void thePage_showsATcpClient_andCarriesChatBothWays() throws IOException {
        server = TestServer.start();
        startBrowser(null);
        LineClient bob = server.lineClient("bob");

        browser.get("http://127.0.0.1:" + server.http().getPort() + "/");

        assertThat(browser.getTitle()).isEqualTo("fanout");
        WebElement clients = browser.findElement(By.id("clients"));
        await().atMost(TestServer.PATIENCE).until(() -> clients.getText().contains("bob")
                && clients.getText().contains("websocket"));
        assertThat(clients.getText()).contains("lines");

        browser.findElement(By.id("chat-text")).sendKeys("hello from the page");
        browser.findElement(By.cssSelector("#chat-form button")).click();
        bob.awaitLine(line -> line.endsWith(": hello from the page"));

        bob.send("hello, browser");
        WebElement chat = browser.findElement(By.id("chat"));
        await().atMost(TestServer.PATIENCE).until(() -> chat.getText().contains("hello, browser"));
        WebElement tail = browser.findElement(By.id("tail"));
        await().atMost(TestServer.PATIENCE).until(() -> tail.getText().contains("lobby #2: hello, browser"));
        WebElement topics = browser.findElement(By.id("topics"));
        await().atMost(TestServer.PATIENCE).until(() -> topics.getText().contains("lobby"));
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("rates"))
                .findElements(By.tagName("polyline")).size() == 2);
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll())
                .noneMatch(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue());
    }

    @Test
    void thePage_worksOverTheServersTls() throws IOException {
        SelfSignedPair pair = TestTls.pair(directory);
        server = TestServer.start(builder -> builder.tls(TlsOptions.of(pair.certificate(), pair.key())));
        startBrowser(pair);
        LineClient bob = server.track(LineClient.over(TestTls.connect(TestTls.client(pair, null), server.lines(),
                "localhost")));
        bob.awaitLine(line -> line.contains("welcome to"));

        browser.get("https://localhost:" + server.http().getPort() + "/");

        WebElement clients = browser.findElement(By.id("clients"));
        await().atMost(TestServer.PATIENCE).until(() -> clients.getText().contains("websocket")
                && clients.getText().contains("lines"));
        browser.findElement(By.id("chat-text")).sendKeys("over wss");
        browser.findElement(By.cssSelector("#chat-form button")).click();
        bob.awaitLine(line -> line.endsWith(": over wss"));
    }

    /** The base64 SHA-256 of the certificate's public key, as Chromium's SPKI list takes it. */
    private static String spki(SelfSignedPair pair) {
        try (java.io.InputStream in = Files.newInputStream(pair.certificate())) {
            java.security.cert.Certificate certificate = java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(certificate.getPublicKey().getEncoded());
            return java.util.Base64.getEncoder().encodeToString(digest);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

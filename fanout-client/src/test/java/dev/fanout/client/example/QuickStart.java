package dev.fanout.client.example;

import dev.fanout.client.ClientOptions;
import dev.fanout.client.FanoutClient;
import dev.fanout.client.Message;
import dev.fanout.client.MessageStream;
import dev.fanout.client.Position;
import dev.fanout.client.SubscribeOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Publishes three prices with acknowledgements and reads them back: fanout's client library in one file. */
public class QuickStart {

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "localhost";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7070;
        ClientOptions options = ClientOptions.builder().address(host, port).name("quickstart").build();

        try (FanoutClient client = FanoutClient.connect(options)) {
            // Live messages of every prices.* topic, one at a time, on the client's callback threads.
            client.subscribe("prices.>", m -> System.out.println("live   " + m.topic() + " #" + m.sequence()
                    + ": " + m.text())).subscribed().join();

            String[][] prices = {{"prices.eur", "1.08"}, {"prices.usd", "1.00"}, {"prices.eur", "1.09"}};
            for (String[] price : prices) {
                Position position = client.publishAcked(price[0], price[1].getBytes(StandardCharsets.UTF_8)).join();
                System.out.println("acked  " + price[0] + " at " + position);
            }

            // The last two messages the server holds of prices.eur, read at our own pace.
            MessageStream history = client.subscribe("prices.eur", SubscribeOptions.last(2));
            for (int i = 0; i < 2; i++) {
                Message m = history.poll(Duration.ofSeconds(5));
                System.out.println("replay " + m.topic() + " #" + m.sequence() + ": " + m.text());
            }
        }
    }
}

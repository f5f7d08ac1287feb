package dev.fanout.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.hub.PublishId;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

/** What {@code --redis} accepts, what it makes of it, and that a secret never reaches a log line or an error. */
class RedisTargetTest {

    private static RedisCredentials credentials(RedisURI uri) {
        return uri.getCredentialsProvider().resolveCredentials().block();
    }

    @Test
    void aDatabaseOtherThanZero_isRefused_asChannelsAreSharedByAllDatabases() {
        assertThatThrownBy(() -> RedisTarget.parse("redis://:s3cret@db.example:6380/2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names database 2: Redis's channels are shared by all its databases")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void oneServer_withAPassword() {
        RedisTarget target = RedisTarget.parse("redis://:s3cret@db.example:6380/0");
        assertThat(target.cluster()).isFalse();
        RedisURI uri = target.uris().get(0);
        assertThat(uri.getHost()).isEqualTo("db.example");
        assertThat(uri.getPort()).isEqualTo(6380);
        assertThat(new String(credentials(uri).getPassword())).isEqualTo("s3cret");
        assertThat(target.describe()).isEqualTo("Redis at redis://db.example:6380").doesNotContain("s3cret");
    }

    @Test
    void tls_andAnAclUser() {
        RedisURI uri = RedisTarget.parse("rediss://fanout:pw@cache:6379").uris().get(0);
        assertThat(uri.isSsl()).isTrue();
        assertThat(credentials(uri).getUsername()).isEqualTo("fanout");
        assertThat(RedisTarget.parse("rediss://fanout:pw@cache:6379").describe())
                .isEqualTo("Redis at rediss://cache:6379");
    }

    @Test
    void aClusterByName_sharesItsCredentialsWithEverySeed() {
        RedisTarget target = RedisTarget.parse("redis-cluster://:pw@10.0.0.1:7000,10.0.0.2:7000,10.0.0.3:7000");
        assertThat(target.cluster()).isTrue();
        assertThat(target.uris()).extracting(RedisURI::getHost).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(target.uris()).allSatisfy(uri -> assertThat(new String(credentials(uri).getPassword()))
                .isEqualTo("pw"));
        assertThat(target.describe()).startsWith("Redis Cluster at redis://10.0.0.1:7000, ").doesNotContain("pw");
        assertThat(RedisTarget.parse("rediss-cluster://a:1,b:2").uris()).allSatisfy(uri -> assertThat(uri.isSsl())
                .isTrue());
    }

    @Test
    void severalSeedUris_areACluster() {
        RedisTarget target = RedisTarget.parse("redis://a:7000, redis://b:7001");
        assertThat(target.cluster()).isTrue();
        assertThat(target.uris()).extracting(RedisURI::getPort).containsExactly(7000, 7001);
    }

    @Test
    void somethingElse_isRefused_sayingWhatToGive_withoutTheSecret() {
        assertThatThrownBy(() -> RedisTarget.parse("http://user:topsecret@host:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a Redis URI: give redis://HOST:PORT")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> RedisTarget.parse("127.0.0.1:6379"))
                .hasMessageContaining("redis-cluster://HOST:PORT,HOST:PORT");
    }

    @Test
    void topicKeys_shareTheTopicsHashTag_andPatternsBecomeGlobs() {
        TopicKeys keys = TopicKeys.of("prices.eur");
        assertThat(keys.meta()).isEqualTo("fanout:v2:{prices.eur}:meta");
        assertThat(keys.log()).isEqualTo("fanout:v2:{prices.eur}:log");
        assertThat(keys.channel()).isEqualTo("fanout:v2:{prices.eur}:live");
        assertThat(TopicKeys.topicOf(keys.channel())).isEqualTo("prices.eur");
        assertThat(TopicKeys.topicOfMeta(keys.meta())).isEqualTo("prices.eur");
        assertThat(TopicKeys.topicOf("other:channel")).isNull();
        assertThat(TopicKeys.liveGlob("prices.>")).isEqualTo("fanout:v2:{prices.*}:live");
        assertThat(TopicKeys.metaGlob("*.eur")).isEqualTo("fanout:v2:{*.eur}:meta");
        // A client's identity cannot make a publish id's key pass for a topic's meta key.
        String key = keys.publishId(new PublishId("x}:meta", "prices.eur", 1));
        assertThat(key).doesNotEndWith("}:meta");
        assertThat(TopicKeys.topicOfMeta("fanout:v2:{prices.eur}:pub:1:x}:meta")).isNull();
    }
}

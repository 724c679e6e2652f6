package dev.regionrouter.router.config;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Routing-table loading.
 *
 * @param filePollInterval how often the regions file's size, mtime and inode are checked; polling
 *     (not WatchService) because it also sees a file replaced by rename and a ConfigMap volume's
 *     symlink swap
 */
@Validated
@ConfigurationProperties("router.table")
public record TableProperties(@NotNull @DefaultValue("1s") Duration filePollInterval) {}

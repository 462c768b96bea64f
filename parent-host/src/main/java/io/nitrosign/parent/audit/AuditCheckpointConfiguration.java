package io.nitrosign.parent.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * {@code auditCheckpoints:} in the YAML: how often the enclave signs the audit chain head. A
 * checkpoint is taken when {@code everyRows} rows have been appended since the last one, or
 * {@code interval} has passed and there is any new row. {@code enabled: false} turns the
 * background checkpointer off (the admin task {@code audit-checkpoint} still works).
 */
public class AuditCheckpointConfiguration {

  private boolean enabled = true;

  @Min(1)
  @Max(100_000_000)
  private long everyRows = 1000;

  @NotNull
  private Duration interval = Duration.seconds(60);

  @JsonProperty
  public boolean isEnabled() {
    return enabled;
  }

  @JsonProperty
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  @JsonProperty
  public long getEveryRows() {
    return everyRows;
  }

  @JsonProperty
  public void setEveryRows(long everyRows) {
    this.everyRows = everyRows;
  }

  @JsonProperty
  public Duration getInterval() {
    return interval;
  }

  @JsonProperty
  public void setInterval(Duration interval) {
    this.interval = interval;
  }
}

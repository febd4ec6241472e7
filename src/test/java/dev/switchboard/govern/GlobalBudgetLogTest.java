package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import org.junit.jupiter.api.Test;

/** QA-D 9: the start's global budget line said {@code $1.0E-6 per 30d}, where the other budget lines write plain digits. */
class GlobalBudgetLogTest {
    @Test
    void theGlobalBudgetIsLoggedInPlainDigits() {
        try (LogCapture log = LogCapture.of(Governance.class.getName());
             TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                     litellm_settings: { max_budget: 0.000001, budget_duration: 30d }
                     """)) {
            assertThat(log.lines()).anyMatch(l -> l.startsWith("INFO global budget: $0.000001 per 30d"));
        }
    }
}

package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cache.semantic.QuestionGuards.Verdict;
import org.junit.jupiter.api.Test;

/** The classic false hits the issue names are refused; paraphrases pass. */
class QuestionGuardsTest {
    private final QuestionGuards g = QuestionGuards.all();

    @Test
    void numbersAndFormulasMustAgree() {
        assertThat(g.check("How is the structural formula for H2 determined?", "How is the structural formula of H2S determined?"))
                .isEqualTo(Verdict.NUMBER);
        assertThat(g.check("What are some special cares for a 2-month old Pit Bull?", "What are some special cares for a 6 month old Pit Bull?"))
                .isEqualTo(Verdict.NUMBER);
        // number words read as digits; "one" is a pronoun, not a number
        assertThat(g.check("How do 2-way speakers work?", "How do two-way speakers work?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("How can I improve my eyesight?", "How can one improve his eyesight?")).isEqualTo(Verdict.PASS);
    }

    @Test
    void aNegationOnOneSideOnlyIsAnotherQuestion() {
        assertThat(g.check("What are the best arguments for allowing people to sell their own organs?",
                "What are the best arguments for not allowing people to sell their own organs?")).isEqualTo(Verdict.NEGATION);
        assertThat(g.check("Why can't I sleep?", "Why can I not sleep?")).as("one negation each").isEqualTo(Verdict.PASS);
    }

    @Test
    void swappedRolesAroundAnAsymmetricWordAreRefused() {
        assertThat(g.check("How do I convert benzene into toluene?", "How do I convert toluene into benzene?")).isEqualTo(Verdict.ROLE_SWAP);
        assertThat(g.check("What % of terrorists are Muslim?", "What % of Muslims are terrorists?")).isEqualTo(Verdict.ROLE_SWAP);
        // "and" is symmetric: the order does not matter
        assertThat(g.check("How do speed and velocity relate?", "How do velocity and speed relate?")).isEqualTo(Verdict.PASS);
    }

    @Test
    void aNameReplacedByAnotherIsRefused() {
        assertThat(g.check("What is a good rehab center near Crawford County IA?", "What is a good rehab center near Jefferson County IA?"))
                .isEqualTo(Verdict.NAME);
        assertThat(g.check("Is India the next superpower?", "Will India become the next superpower?")).isEqualTo(Verdict.PASS);
    }

    @Test
    void eachGuardCanBeSwitchedOff() {
        QuestionGuards none = new QuestionGuards(QuestionGuards.Enabled.NONE);
        assertThat(none.check("How do I convert benzene into toluene?", "How do I convert toluene into benzene?")).isEqualTo(Verdict.PASS);
        assertThat(none.check("H2", "H2S")).isEqualTo(Verdict.PASS);
    }
}

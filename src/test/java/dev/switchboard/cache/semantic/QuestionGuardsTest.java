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

    /**
     * QA (high): the numbers were compared as a set, so a repeated number or a reordered list passed, and BGE rates these
     * pairs 0.976-0.993, above the threshold: each was served the other's answer. They are compared as a sequence now.
     */
    @Test
    void numbersAreComparedInOrderWithTheirRepeats() {
        assertThat(g.check("What is 2 + 2 + 3?", "What is 2 + 3 + 3?")).as("8 is not 7").isEqualTo(Verdict.NUMBER);
        assertThat(g.check("What is the sum of 5, 5 and 7?", "What is the sum of 5, 7 and 7?")).isEqualTo(Verdict.NUMBER);
        assertThat(g.check("What is the median of 1, 2, 2, 9?", "What is the median of 1, 2, 9, 9?")).isEqualTo(Verdict.NUMBER);
        assertThat(g.check("Reverse the list [1, 2, 3]", "Reverse the list [3, 2, 1]")).as("a list and its reverse").isEqualTo(Verdict.NUMBER);
        assertThat(g.check("Sort descending: 4, 9, 1", "Sort descending: 9, 4, 1, 1")).isEqualTo(Verdict.NUMBER);
        assertThat(g.check("What is 10 minus 4?", "What is 4 minus 10?")).as("the order of an operation's sides").isEqualTo(Verdict.NUMBER);
        // the same numbers in the same order still match, however the text around them is worded
        assertThat(g.check("What is 2 + 2 + 3?", "How much is 2+2+3?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Reverse the list [1, 2, 3]", "How do I reverse [1,2,3]?")).isEqualTo(Verdict.PASS);
    }

    @Test
    void aNegationOnOneSideOnlyIsAnotherQuestion() {
        assertThat(g.check("What are the best arguments for allowing people to sell their own organs?",
                "What are the best arguments for not allowing people to sell their own organs?")).isEqualTo(Verdict.NEGATION);
        assertThat(g.check("Why can't I sleep?", "Why can I not sleep?")).as("one negation each").isEqualTo(Verdict.PASS);
    }

    @Test
    void aWordTurnedIntoItsOppositeIsAnotherQuestion() {
        // the QA run's false hits with the default embedder (BGE small: 0.9891, 0.9745, 0.9795; quicksort 0.9612)
        assertThat(g.check("Is it legal to drive after drinking one beer?", "Is it illegal to drive after drinking one beer?"))
                .isEqualTo(Verdict.POLARITY);
        assertThat(g.check("Is it safe to eat raw chicken?", "Is it unsafe to eat raw chicken?")).isEqualTo(Verdict.POLARITY);
        assertThat(g.check("Is it safe to take ibuprofen while pregnant?", "Is it dangerous to take ibuprofen while pregnant?"))
                .isEqualTo(Verdict.POLARITY);
        assertThat(g.check("What is the worst case time complexity of quicksort?", "What is the best case time complexity of quicksort?"))
                .isEqualTo(Verdict.POLARITY);
        // either way round
        assertThat(g.check("Is it unsafe to eat raw chicken?", "Is it safe to eat raw chicken?")).isEqualTo(Verdict.POLARITY);
    }

    @Test
    void negatingPrefixesCountOnlyOnAWordTheOtherQuestionHas() {
        assertThat(g.check("Is it possible to travel faster than light?", "Is it impossible to travel faster than light?"))
                .as("im- before p").isEqualTo(Verdict.POLARITY);
        assertThat(g.check("Is an irregular heartbeat dangerous?", "Is a regular heartbeat dangerous?")).as("ir- before r")
                .isEqualTo(Verdict.POLARITY);
        assertThat(g.check("What are the advantages of nuclear power?", "What are the disadvantages of nuclear power?"))
                .as("dis-, plural").isEqualTo(Verdict.POLARITY);
        assertThat(g.check("Can a smoker get life insurance?", "Can a non-smoker get life insurance?")).as("non- with a hyphen")
                .isEqualTo(Verdict.POLARITY);
        assertThat(g.check("Is the wall charger compatible with an iPhone 7?", "Is the wall charger incompatible with an iPhone 7?"))
                .as("in- before c").isEqualTo(Verdict.POLARITY);
        // a prefix's letters that are part of the word: the remainder is no word of the other question, or Latin would
        // have spelled the negation otherwise (im- only before m/p/b, so "image" is not im + "age"; no in- before p)
        assertThat(g.check("What is the interest rate on a home loan?", "What is the home loan interest rate?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Which app makes my image look older?", "Which app shows how I will age?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("What should I input here?", "What should I put here?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("How do I install Python on Windows?", "How can I install Python on Windows?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Is it legal or illegal to record a phone call?", "Is it illegal or legal to record a phone call?"))
                .as("both words on both sides").isEqualTo(Verdict.PASS);
    }

    @Test
    void polarOppositesOneOnEachSideAreAnotherQuestion() {
        assertThat(g.check("Is coffee good for your health?", "Is coffee bad for your health?")).isEqualTo(Verdict.POLARITY);
        assertThat(g.check("Is it true that Einstein failed math?", "Is it false that Einstein failed math?")).isEqualTo(Verdict.POLARITY);
        assertThat(g.check("What are the pros of remote work?", "What are the cons of remote work?")).isEqualTo(Verdict.POLARITY);
        assertThat(g.check("What is the max dose of ibuprofen per day?", "What is the minimum dose of ibuprofen per day?"))
                .as("max and minimum are poles of one row").isEqualTo(Verdict.POLARITY);
        assertThat(g.check("Which country has the most vegetarians?", "Which country has the least vegetarians?")).isEqualTo(Verdict.POLARITY);
        assertThat(g.check("How can I increase my metabolism?", "How can I decrease my metabolism?")).isEqualTo(Verdict.POLARITY);
        assertThat(g.check("What should I eat before a workout?", "What should I eat after a workout?")).isEqualTo(Verdict.POLARITY);
        assertThat(g.check("Why do I sleep more in winter?", "Why do I sleep less in winter?")).isEqualTo(Verdict.POLARITY);
        assertThat(g.check("Why is my blood pressure higher in the morning?", "Why is my blood pressure lower in the morning?"))
                .isEqualTo(Verdict.POLARITY);
        assertThat(g.check("Is Python better than Java for beginners?", "Is Python worse than Java for beginners?")).isEqualTo(Verdict.POLARITY);
        // two opposites are not counted against each other (QQP labels this pair a duplicate): a miss, never a wrong answer
        assertThat(g.check("What is the least painful way to die?", "What is the most painless way to die?")).isEqualTo(Verdict.POLARITY);
    }

    @Test
    void aPolarWordOnBothSidesOrOnBothPolesOfOneSideStillMatches() {
        assertThat(g.check("How do I become a better programmer?", "How can I become a better programmer?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Is it safe to eat raw eggs?", "Are raw eggs safe to eat?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("What is the best way to increase my income?", "How can I increase my income?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("What are the pros and cons of nuclear energy?", "What are the advantages and disadvantages of nuclear energy?"))
                .as("both poles on each side").isEqualTo(Verdict.PASS);
        assertThat(g.check("What are the best and worst things about Paris?", "What are the worst and best things about Paris?"))
                .isEqualTo(Verdict.PASS);
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
        // no name swapped here (a doubt of the tense guard's, below, but not the name guard's refusal)
        assertThat(g.check("Is India the next superpower?", "Will India become the next superpower?")).isNotEqualTo(Verdict.NAME);
        assertThat(g.check("Is India the next superpower?", "Is India going to be the next superpower?")).isEqualTo(Verdict.PASS);
    }

    /**
     * QA (medium): who does what to whom, around any verb. The role-swap guard knew only the words of its list (into,
     * than, of, beat…), and these pairs embed at 0.986-0.995 with BGE: each was served the other's answer.
     */
    @Test
    void theSameParticipantsInOtherRolesAreADoubt() {
        assertThat(g.check("Alice owes Bob fifty dollars. Who owes whom?", "Bob owes Alice fifty dollars. Who owes whom?"))
                .isEqualTo(Verdict.ORDER);
        assertThat(g.check("Did Alice pay Bob?", "Did Bob pay Alice?")).isEqualTo(Verdict.ORDER);
        assertThat(g.check("Alice sent Bob the package. Who received it?", "Bob sent Alice the package. Who received it?"))
                .isEqualTo(Verdict.ORDER);
        assertThat(g.check("Mike hired Sarah. Who is the boss?", "Sarah hired Mike. Who is the boss?")).isEqualTo(Verdict.ORDER);
        // lowercase too (QQP's own: labelled different, BGE 0.983 and 0.987)
        assertThat(g.check("Why do Poles dislike Russians?", "Why do Russians dislike Poles?")).isEqualTo(Verdict.ORDER);
        assertThat(g.check("Do guys like introvert girls?", "Do girls like introvert guys?")).isEqualTo(Verdict.ORDER);
        assertThat(g.check("Did Alice pay Bob yesterday?", "Did Bob pay Alice?")).as("not only a pure reordering").isEqualTo(Verdict.ORDER);
        assertThat(Verdict.ORDER.doubtful()).as("verified when a verifier is configured").isTrue();
        // joined by a coordinator, not given roles: the same question
        assertThat(g.check("What is the difference between distilled water and purified water?",
                "What is the difference between purified water and distilled water?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Who would win in a fight, Batman or Superman?", "Who would win in a fight, Superman or Batman?"))
                .isEqualTo(Verdict.PASS);
        // words moved without swapping sides around the same words (QQP duplicates)
        assertThat(g.check("Where can I get a database of family offices in the U.S.?", "Where can I get a database of U.S. family offices?"))
                .isEqualTo(Verdict.PASS);
        assertThat(g.check("What is the future of the Aam Aadmi Party?", "What is the Aam Aadmi Party's future?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Which is the best API for generating term document matrix in Java?",
                "Which is the best API in Java for generating term document matrix?")).isEqualTo(Verdict.PASS);
    }

    /** QA (medium): "Who is the CEO" / "Who was the CEO" (BGE 0.967) were served each other's answers. */
    @Test
    void anotherTenseOfTheQuestionsOwnAuxiliaryIsADoubt() {
        assertThat(g.check("Who is the CEO of Microsoft?", "Who was the CEO of Microsoft?")).isEqualTo(Verdict.TENSE);
        assertThat(g.check("Who is the president of France?", "Who will be the president of France?")).isEqualTo(Verdict.TENSE);
        assertThat(g.check("How do people react to the news?", "How did people react to the news?")).isEqualTo(Verdict.TENSE);
        assertThat(g.check("Has the company paid its debts?", "Had the company paid its debts?")).isEqualTo(Verdict.TENSE);
        assertThat(g.check("What's the capital of Kazakhstan?", "What was the capital of Kazakhstan?")).isEqualTo(Verdict.TENSE);
        assertThat(Verdict.TENSE.doubtful()).isTrue();
        // a modal has no tense ("can" / "do"), nor has a text without an auxiliary
        assertThat(g.check("How do I lose weight fast?", "How can I lose weight fast?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Best way to lose weight fast?", "What is the best way to lose weight fast?")).isEqualTo(Verdict.PASS);
        // the question's own auxiliary, not a relative clause's
        assertThat(g.check("Would you marry a woman who doesn't want children?", "Would you marry a woman who didn't want children?"))
                .isEqualTo(Verdict.PASS);
        // a year says when: "are" / "were" the effects of 1917's revolution ask the same
        assertThat(g.check("What are some effects of the Russian Revolution of 1917?", "What were some effects of the Russian Revolution of 1917?"))
                .isEqualTo(Verdict.PASS);
        // the sure guards come first: a pair they refuse is never sent to verification
        assertThat(g.check("Who is the CEO of Microsoft?", "Who was not the CEO of Microsoft?")).isEqualTo(Verdict.NEGATION);
        for (Verdict v : new Verdict[] {Verdict.NUMBER, Verdict.NEGATION, Verdict.POLARITY, Verdict.ROLE_SWAP, Verdict.NAME, Verdict.FORMAT}) {
            assertThat(v.doubtful()).as(v + " is a refusal").isFalse();
        }
    }

    /**
     * QA (medium, the cache must not lie): with every guard on at the default threshold, answers were served across
     * length and format instructions (BGE similarities from the QA run in brackets). They are another request.
     */
    @Test
    void anotherInstructionAboutTheAnswersLengthOrFormIsAnotherRequest() {
        String[][] qa = {
                {"Answer in one word: what color is the sky?", "Answer in one sentence: what color is the sky?"}, // 0.9811
                {"Answer in one word: what color is the sky?", "Answer in one paragraph: what color is the sky?"}, // 0.9678
                {"Describe the Roman Empire in one sentence", "Describe the Roman Empire in one word"}, // 0.9745
                {"Explain photosynthesis briefly", "Explain photosynthesis in detail"}, // 0.9604
                {"Give me a short answer: why is the sky blue?", "Give me a long answer: why is the sky blue?"}, // 0.9647
        };
        for (String[] p : qa) {
            assertThat(g.check(p[0], p[1])).as(p[0] + " / " + p[1]).isEqualTo(Verdict.FORMAT);
            assertThat(g.check(p[1], p[0])).as("either way round").isEqualTo(Verdict.FORMAT);
        }
        String[][] others = {
                {"Summarize the French Revolution in 50 words", "Summarize the French Revolution in 50 sentences"},
                {"List the planets as bullet points", "List the planets as a table"},
                {"What is recursion? Answer in JSON", "What is recursion? Answer in YAML"},
                {"Explain recursion step by step", "Explain recursion"},
                {"Explain recursion like I'm a child", "Explain recursion in detail"},
                {"Explain recursion concisely", "Explain recursion thoroughly"},
                {"Write a one-sentence summary of Hamlet", "Write a one-paragraph summary of Hamlet"},
                {"In a few words, what is entropy?", "In detail, what is entropy?"},
                {"Explain photosynthesis", "Explain photosynthesis briefly"},
        };
        for (String[] p : others) {
            // "JSON" / "YAML" capitalised: the name guard refuses them first
            assertThat(g.check(p[0], p[1])).as(p[0] + " / " + p[1]).isNotEqualTo(Verdict.PASS);
            assertThat(QuestionGuards.instructions(p[0])).as(p[0] + " / " + p[1]).isNotEqualTo(QuestionGuards.instructions(p[1]));
        }
        assertThat(g.check("what is recursion? answer in json", "what is recursion? answer in yaml")).isEqualTo(Verdict.FORMAT);
    }

    /** Two wordings of one instruction class still match, and words that only look like instructions are content. */
    @Test
    void theSameInstructionInOtherWordsOrNoInstructionStillMatches() {
        String[][] same = {
                {"Answer in one word: what color is the sky?", "Answer in a single word: what color is the sky?"},
                {"Describe the Roman Empire in one word", "Give a one-word answer: describe the Roman Empire"},
                {"Explain photosynthesis briefly", "Explain photosynthesis concisely"},
                {"Explain photosynthesis briefly", "In a few words, explain photosynthesis"},
                {"Explain photosynthesis in detail", "Give a detailed explanation of photosynthesis"},
                {"Explain photosynthesis in detail", "Explain photosynthesis in depth"},
                {"How would you define India in one line?", "How would you define India in one sentence?"},
                {"ELI5: how do vaccines work?", "Explain like I'm five: how do vaccines work?"},
                {"Explain recursion step-by-step", "Explain recursion step by step"},
                // content, not instructions: a short story, a long time, a word used in a sentence, a list in code
                {"What is a good short story to read?", "What is a nice short story to read?"},
                {"Why does it take a long time to learn Chinese?", "Why does learning Chinese take a long time?"},
                {"How do I use 'ubiquitous' in a sentence?", "What is an example of 'ubiquitous' used in a sentence?"},
                {"How do I find an element in a list in Python?", "How can I find an item in a Python list?"},
                {"How do I insert a comment in Markdown?", "How can I add a comment in Markdown?"},
                {"Do you read long Quora answers?", "Do you read long answers on Quora?"},
        };
        for (String[] p : same) {
            assertThat(QuestionGuards.instructions(p[0])).as(p[0] + " / " + p[1]).isEqualTo(QuestionGuards.instructions(p[1]));
        }
        assertThat(QuestionGuards.instructions("Answer in one word: what color is the sky?")).containsExactly("len word 1");
        assertThat(QuestionGuards.instructions("How do I learn Java?")).isEmpty();
        assertThat(g.check("Answer in one word: what color is the sky?", "Answer in a single word: what colour is the sky?"))
                .isEqualTo(Verdict.PASS);
        assertThat(g.check("Explain photosynthesis briefly", "Briefly, explain photosynthesis")).isEqualTo(Verdict.PASS);
    }

    @Test
    void eachGuardCanBeSwitchedOff() {
        QuestionGuards none = new QuestionGuards(QuestionGuards.Enabled.NONE);
        assertThat(none.check("How do I convert benzene into toluene?", "How do I convert toluene into benzene?")).isEqualTo(Verdict.PASS);
        assertThat(none.check("H2", "H2S")).isEqualTo(Verdict.PASS);
        assertThat(none.check("Is it safe to eat raw chicken?", "Is it unsafe to eat raw chicken?")).isEqualTo(Verdict.PASS);
        assertThat(none.check("Did Alice pay Bob?", "Did Bob pay Alice?")).isEqualTo(Verdict.PASS);
        assertThat(none.check("Who is the CEO of Microsoft?", "Who was the CEO of Microsoft?")).isEqualTo(Verdict.PASS);
        QuestionGuards noPolarity = new QuestionGuards(new QuestionGuards.Enabled(true, true, true, true, false, true, true, true, true, true));
        assertThat(noPolarity.check("Is it safe to eat raw chicken?", "Is it dangerous to eat raw chicken?")).isEqualTo(Verdict.PASS);
        assertThat(none.check("Explain photosynthesis briefly", "Explain photosynthesis in detail")).isEqualTo(Verdict.PASS);
        QuestionGuards noFormat = new QuestionGuards(new QuestionGuards.Enabled(true, true, true, true, true, false, true, true, true, true));
        assertThat(noFormat.check("Explain photosynthesis briefly", "Explain photosynthesis in detail")).isEqualTo(Verdict.PASS);
    }

    /**
     * QA 2026-12-06 (HIGH-1): the participant asked about trades roles through the grammar, not the word order: the
     * wh-word as subject or object (do-support), active or passive voice, a relation read backwards. BGE put each pair at
     * 0.963-0.990 and the gateway served the first question's answer for the second. A doubt, as the word-order one.
     */
    @Test
    void aParticipantInAnotherRoleByDoSupportVoiceOrRelationIsADoubt() {
        String[][] served = {{"Who killed Abel?", "Who did Abel kill?"}, {"Who did Darth Vader kill?", "Who killed Darth Vader?"},
                {"Who did Brutus betray?", "Who betrayed Brutus?"}, {"Who taught Plato?", "Who did Plato teach?"},
                {"Who rescued the princess?", "Who did the princess rescue?"},
                {"Which country invaded Poland in 1939?", "Which country did Poland invade in 1939?"},
                {"Which team beat the Lakers last night?", "Which team did the Lakers beat last night?"},
                {"Which company acquired Instagram?", "Which company did Instagram acquire?"},
                {"Who replaced Steve Ballmer as CEO of Microsoft?", "Who did Steve Ballmer replace as CEO of Microsoft?"},
                {"Who is Harry Potter's godfather?", "Who is Harry Potter the godfather of?"},
                {"Did Alice pay Bob?", "Was Alice paid by Bob?"}};
        for (String[] p : served) {
            assertThat(g.check(p[0], p[1])).as(p[0] + " / " + p[1]).isEqualTo(Verdict.ORDER);
            assertThat(g.check(p[1], p[0])).as("either way round: " + p[1] + " / " + p[0]).isEqualTo(Verdict.ORDER);
        }
        // the QA's controls, refused before by the threshold alone
        assertThat(g.check("Who does Romeo love?", "Who loves Romeo?")).isEqualTo(Verdict.ORDER);
        assertThat(g.check("Who conquered the Aztec Empire?", "Which empire did the Aztecs conquer?")).isEqualTo(Verdict.PASS)
                .as("other words: the embedding's business");
        assertThat(g.check("Who killed Abel?", "Who was killed by Abel?")).as("a passive with the participant after by")
                .isEqualTo(Verdict.ORDER);
        assertThat(g.check("Who did Abel kill?", "Who was Abel killed by?")).isEqualTo(Verdict.ORDER);
    }

    @Test
    void theSameRolesInOtherGrammarStillMatch() {
        assertThat(g.check("Who killed Abel?", "Who was Abel killed by?")).as("passive, same killer").isEqualTo(Verdict.PASS);
        assertThat(g.check("Who killed Abel?", "Who murdered Abel?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Did Bob pay Alice?", "Was Alice paid by Bob?")).as("active and passive, same payer").isEqualTo(Verdict.PASS);
        assertThat(g.check("Did Alice get paid by Bob?", "Was Alice paid by Bob?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Who is Harry Potter's godfather?", "Who is the godfather of Harry Potter?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Which company acquired Instagram?", "Which company bought Instagram?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Who did Brutus betray?", "Whom did Brutus betray?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Who will win the 2016 election?", "Who do you think will win the 2016 election?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("How did Rome conquer Gaul?", "How was Gaul conquered by Rome?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("How did Rome conquer Gaul?", "How was Rome conquered by Gaul?")).isEqualTo(Verdict.ORDER);
    }

    /**
     * QA 2026-12-06 (HIGH-2): a question about an exact string gets the other string's verdict (BGE 0.980-0.996). The
     * quoted text, the code and the tokens with symbols must stand in the other question.
     */
    @Test
    void aQuestionAboutAnotherExactStringIsAnotherQuestion() {
        String[][] served = {
                {"Is the following sentence grammatical: 'He go to school every day.'", "Is the following sentence grammatical: 'He goes to school every day.'"},
                {"Is this JSON valid: {\"a\": 1, \"b\": 2}", "Is this JSON valid: {\"a\": 1, \"b\": 2,}"},
                {"Is this a valid email address: john.doe@example.com", "Is this a valid email address: john.doe@@example.com"},
                {"Is this valid Python: def f(x): return x + 1", "Is this valid Python: def f(x) return x + 1"},
                {"Is the word 'racecar' a palindrome?", "Is the word 'racecars' a palindrome?"}};
        for (String[] p : served) {
            assertThat(g.check(p[0], p[1])).as(p[0] + " / " + p[1]).isEqualTo(Verdict.LITERAL);
            assertThat(g.check(p[1], p[0])).as(p[1] + " / " + p[0]).isEqualTo(Verdict.LITERAL);
        }
        // the QA's controls (refused before by the threshold or another guard) and other kinds of literal
        assertThat(g.check("Is this sentence correct: 'Their going to the park.'", "Is this sentence correct: 'They're going to the park.'"))
                .isNotEqualTo(Verdict.PASS); // the name guard sees "Their" / "They're" first
        assertThat(Literals.agree("Is this sentence correct: 'Their going to the park.'", "Is this sentence correct: 'They're going to the park.'"))
                .isFalse();
        assertThat(g.check("Check the spelling: 'accommodate'", "Check the spelling: 'acommodate'")).isEqualTo(Verdict.LITERAL);
        assertThat(g.check("What does the following Python print: print(sorted([3,1,2]))",
                "What does the following Python print: print(sorted([3,1,2], reverse=True))")).isEqualTo(Verdict.LITERAL);
        assertThat(g.check("What does `git reset --hard` do?", "What does `git reset --soft` do?")).isEqualTo(Verdict.LITERAL);
        assertThat(g.check("Why does this fail?\n```\nx = [1, 2]\nprint(x[2])\n```", "Why does this fail?\n```\nx = [1, 2]\nprint(x(2))\n```"))
                .isEqualTo(Verdict.LITERAL);
        assertThat(g.check("Is “colour” spelled correctly?", "Is “color” spelled correctly?")).isEqualTo(Verdict.LITERAL);
    }

    @Test
    void theSameStringQuotedOrNotWrittenWithOtherSpacesOrCaseStillMatches() {
        assertThat(g.check("What does 'carpe diem' mean?", "What is the meaning of carpe diem?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Is the word 'racecar' a palindrome?", "Is 'Racecar' a palindrome?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Is this JSON valid: {\"a\": 1, \"b\": 2}", "Is this valid JSON: {\"a\":1,\"b\":2}")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Is john.doe@example.com a valid email address?", "Is this a valid email address: john.doe@example.com"))
                .isEqualTo(Verdict.PASS);
        assertThat(g.check("What is the range of f(x) = sin^-1(x)?", "What is the range of f(x) =sin^-1(x)?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("How do I use `git rebase`?", "How do I use git rebase?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("What were your experiences when you had \"roll no.1\"?", "What were your experiences when you had \"roll no. 1\" ?"))
                .isEqualTo(Verdict.PASS);
        // prose, not code: a missing space after a full stop, abbreviations, a site's name, "and/or"
        assertThat(g.check("I lied to my girlfriend.What should I do?", "I lied to my girlfriend, what should I do?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("What does e.g. stand for?", "What does eg stand for?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Is unifunds.com legit?", "Is unifunds legit?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Should I learn Java and/or Python?", "Should I learn Java or Python?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Why can't I sleep at night?", "Why can't I sleep at night?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("What are the students' favourite books?", "What books do students like best?")).isEqualTo(Verdict.PASS);
    }

    /**
     * QA 2026-12-06 (HIGH-3): an action and its undoing were outside the table ("enable" / "disable" is no negating prefix
     * of "enable"; "zoom in" / "zoom out" a particle). BGE 0.965 and 0.963: the other instruction served.
     */
    @Test
    void anActionAndItsUndoingAreOpposites() {
        String[][] opposites = {{"How do I enable dark mode in Windows?", "How do I disable dark mode in Windows?"},
                {"How do I zoom in on Google Maps?", "How do I zoom out on Google Maps?"},
                {"How do I enable two-factor authentication on GitHub?", "How do I disable two-factor authentication on GitHub?"},
                {"How do I turn on Bluetooth in Ubuntu?", "How do I turn off Bluetooth in Ubuntu?"},
                {"How do I scroll up in tmux?", "How do I scroll down in tmux?"},
                {"How do I encrypt a file with gpg?", "How do I decrypt a file with gpg?"},
                {"How do I import a CSV file in pandas?", "How do I export a CSV file in pandas?"},
                {"How do I add a column to a table in SQL?", "How do I remove a column from a table in SQL?"},
                {"How do I install Docker on Ubuntu?", "How do I uninstall Docker on Ubuntu?"},
                {"How do I open a file in Python?", "How do I close a file in Python?"},
                {"How do I start the Docker daemon on Linux?", "How do I stop the Docker daemon on Linux?"},
                {"How do I activate a Python virtual environment?", "How do I deactivate a Python virtual environment?"},
                {"How do I show hidden files on a Mac?", "How do I hide hidden files on a Mac?"},
                {"Should I buy Tesla stock now?", "Should I sell Tesla stock now?"},
                {"How do I make my code run faster?", "How do I make my code run slower?"},
                {"Sort a list in ascending order", "Sort a list in descending order"}};
        for (String[] p : opposites) {
            assertThat(g.check(p[0], p[1])).as(p[0] + " / " + p[1]).isEqualTo(Verdict.POLARITY);
            assertThat(g.check(p[1], p[0])).as(p[1] + " / " + p[0]).isEqualTo(Verdict.POLARITY);
        }
    }

    @Test
    void aParticleCountsOnlyAfterTheSameWordOnBothSides() {
        assertThat(g.check("How do I enable dark mode in Windows?", "How can I turn on dark mode in Windows?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("How do I log in to Gmail?", "How do I sign in to Gmail?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("What is there to do in Paris?", "What are the best places to eat out in Paris?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("How do I zoom in on Google Maps?", "How can I zoom in on Google Maps?")).isEqualTo(Verdict.PASS);
        assertThat(g.check("Can I log in and log out of Gmail on two phones?", "Can I log out and log in to Gmail on two phones?"))
                .as("both on both sides").isEqualTo(Verdict.PASS);
    }
}

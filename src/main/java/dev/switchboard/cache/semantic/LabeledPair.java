package dev.switchboard.cache.semantic;

/** Two questions and whether a person judged them the same question (QQP's {@code duplicate}). */
public record LabeledPair(String a, String b, boolean duplicate) {}

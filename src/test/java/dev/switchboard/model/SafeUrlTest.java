package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** URLs as the gateway shows them: no user part, no query, where keys ride. */
class SafeUrlTest {
    @Test
    void theUserPartAndTheQueryAreLeftOut() {
        assertThat(SafeUrl.withoutSecrets("https://user:sk-secret@gpu-box:8443/v1?api-key=sk-2&x=1")).isEqualTo("https://gpu-box:8443/v1");
        assertThat(SafeUrl.withoutSecrets("http://localhost:11434")).isEqualTo("http://localhost:11434");
        assertThat(SafeUrl.withoutSecrets("not a url at all")).isEqualTo("(not shown)");
        assertThat(SafeUrl.withoutSecrets(null)).isNull();
    }

    /**
     * What the scrubbers mask of a URL: the user part and its password always, and the values of query parameters named
     * as credentials, raw and decoded; an api-version or a deployment name is no key (it would be blanked in answers).
     */
    @Test
    void theUserPartAndCredentialQueryValuesAreTheSecrets() {
        assertThat(SafeUrl.secrets("https://bob:pa%7Ess@gpu-box:8443/v1?api-version=2024-10-21&api-key=sk-2&key=a%2Bb&flag&deployment=gpt-4o-prod"))
                .containsExactly("bob:pa%7Ess", "bob:pa~ss", "pa%7Ess", "pa~ss", "sk-2", "a%2Bb", "a+b");
        assertThat(SafeUrl.secrets("https://acct.blob.core.windows.net/c?sv=2022-11-02&se=2026-12-31&sp=r&sig=QAsasSIGNATURE%2Bx"))
                .containsExactly("QAsasSIGNATURE%2Bx", "QAsasSIGNATURE+x");
        assertThat(SafeUrl.secrets("https://fn.azurewebsites.net/api/chat?code=QAfunctionCODE77&X-Amz-Security-Token=QAsts&Access_Token=QAat"))
                .containsExactly("QAfunctionCODE77", "QAsts", "QAat");
        assertThat(SafeUrl.secrets("https://host/v1?api-version=2024-10-21")).isEmpty();
        assertThat(SafeUrl.secrets("http://localhost:11434/v1")).isEmpty();
        assertThat(SafeUrl.secrets(null)).isEmpty();
        assertThat(SafeUrl.secrets("not a url at all")).isEmpty();
    }

    @Test
    void credentialNamesAreToldByTheirWords() {
        assertThat(java.util.List.of("Authorization", "proxy-authorization", "Cookie", "X-Api-Key", "api-key", "x-goog-api-key",
                "Ocp-Apim-Subscription-Key", "Helicone-Auth", "x-portkey-api-key", "cf-aig-authorization", "Cf-Aig-Token",
                "X-Databricks-Token", "client_secret", "password", "passwd", "x-credential", "X-Goog-Signature", "session_token",
                "key", "apikey", "access_token", "sig", "code", "x-amz-security-token", "X-Amz-Credential"))
                .allMatch(SafeUrl::credentialName);
        assertThat(java.util.List.of("OpenAI-Organization", "openai-project", "Helicone-Property-Environment", "X-Project",
                "api-version", "deployment", "anthropic-version", "anthropic-beta", "Content-Type", "User-Agent", "X-Title",
                "HTTP-Referer", "x-region", "codename", "signal", "Helicone-Session-Name", "Helicone-Session-Id"))
                .noneMatch(SafeUrl::credentialName);
    }
}

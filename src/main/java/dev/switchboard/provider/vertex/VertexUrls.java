package dev.switchboard.provider.vertex;

/**
 * Vertex AI's addresses. A region's models are served at {@code https://{location}-aiplatform.googleapis.com}, the
 * {@code global} location's at {@code https://aiplatform.googleapis.com}; below that every publisher model is
 * {@code /v1/projects/{project}/locations/{location}/publishers/{publisher}/models/{model}:{method}}. An
 * {@code api_base} (a proxy, Private Service Connect, the simulator) replaces the scheme and host and keeps the path.
 */
final class VertexUrls {
    private VertexUrls() {}

    static String host(String location) {
        return "global".equals(location) ? "https://aiplatform.googleapis.com" : "https://" + location + "-aiplatform.googleapis.com";
    }

    /** The path of one publisher model, without the method: {@code …/publishers/{publisher}/models/{model}}. */
    static String modelPath(String project, String location, String publisher, String model) {
        return "/v1/projects/" + project + "/locations/" + location + "/publishers/" + publisher + "/models/" + model;
    }
}

using Flujo.Testing;

namespace Flujo.Cli.Tests.Support;

/// <summary>
/// What the scripted server answers for samples/llm-triage.yaml: a classification object when JSON is asked for, else a
/// reply for the category the instructions name. The shipped transcript (samples/transcripts/llm-triage.json) is a
/// recording of the sample against this script (<see cref="ShippedTranscriptTests"/>).
/// </summary>
public static class TriageScript
{
    /// <summary>The model the recording's connection names as its default.</summary>
    public const string Model = "gpt-4o-mini";

    public static ScriptedReply Answer(ChatRequestSeen request)
    {
        var text = request.UserText ?? "";
        var category = Category(text);
        if (request.WantsJson)
        {
            var urgency = category == "technical" ? "high" : "normal";
            return new ScriptedReply(
                $$"""{"category":"{{category}}","urgency":"{{urgency}}","summary":"{{Summary(category)}}"}""",
                PromptTokens: 118, CompletionTokens: 31);
        }
        return new ScriptedReply(Reply(request.SystemText ?? ""), PromptTokens: 96, CompletionTokens: 58);
    }

    private static string Category(string text) =>
        text.Contains("invoice", StringComparison.OrdinalIgnoreCase) || text.Contains("charged", StringComparison.OrdinalIgnoreCase) ? "billing"
        : text.Contains("crash", StringComparison.OrdinalIgnoreCase) || text.Contains("log in", StringComparison.OrdinalIgnoreCase) ? "technical"
        : text.Contains("password", StringComparison.OrdinalIgnoreCase) ? "account"
        : "other";

    private static string Summary(string category) => category switch
    {
        "billing" => "The customer was charged twice on the March invoice and asks for a refund.",
        "technical" => "The app crashes when the customer logs in.",
        "account" => "The customer cannot change their password.",
        _ => "A general question.",
    };

    private static string Reply(string instructions) =>
        instructions.Contains("billing", StringComparison.Ordinal)
            ? "Thanks for telling us about the double charge. We have asked our billing team to refund the duplicate payment; it reaches your account within 5 business days, and you will get an email once it is done. Sorry for the trouble."
            : instructions.Contains("technical", StringComparison.Ordinal)
                ? "Sorry the app crashes when you log in. Our engineers are looking into it; meanwhile, updating to the latest version often helps. We will write again as soon as we know more."
                : "Thanks for your message. A specialist is looking at it and will get back to you within one business day.";
}

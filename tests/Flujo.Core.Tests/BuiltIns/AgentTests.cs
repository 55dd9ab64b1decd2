using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Results;
using static Flujo.Core.Tests.BuiltIns.BuiltInComponents;

namespace Flujo.Core.Tests.BuiltIns;

public sealed class AgentTests
{
    private const string SupportCategories = """
        {"categories": {
          "billing": ["invoice", "refund", "charge"],
          "technical": ["error", "crash", "login"],
          "sales": ["pricing", "demo"]
        }}
        """;

    [Fact]
    public async Task Echo_ReturnsInputUnchanged()
    {
        var response = await InvokeAsync("echo", JsonNode.Parse("""{"a":[1,2]}"""));
        Assert.Equal("""{"a":[1,2]}""", AsJson(response.Output));
    }

    [Fact]
    public async Task Echo_Prefix_PrependsToStringInput()
    {
        var response = await InvokeAsync("echo", Text("world"), """{"prefix":"Hello, "}""");
        Assert.Equal("Hello, world", response.Output!.GetValue<string>());
    }

    [Fact]
    public async Task Echo_Prefix_LeavesNonStringInputUnchanged()
    {
        var response = await InvokeAsync("echo", JsonNode.Parse("[1]"), """{"prefix":"> "}""");
        Assert.Equal("[1]", AsJson(response.Output));
    }

    [Fact]
    public async Task Echo_Tokens_AreCharactersOverFourRoundedUp()
    {
        // 9 characters in, 9 out: ceil(9 / 4) = 3 each.
        var response = await InvokeAsync("echo", Text("123456789"));
        Assert.Equal(new TokenUsage(3, 3), response.Tokens);
        Assert.Equal(0m, response.CostUsd);
    }

    [Fact]
    public async Task Echo_CostPerToken_CostIsRateTimesTotalTokens()
    {
        // "abcd" (1 token) in, "> abcd" (6 characters, 2 tokens) out: 3 tokens at 0.001.
        var response = await InvokeAsync("echo", Text("abcd"), """{"prefix":"> ","costPerToken":0.001}""");
        Assert.Equal(new TokenUsage(1, 2), response.Tokens);
        Assert.Equal(0.003m, response.CostUsd);
    }

    [Fact]
    public async Task Echo_NullInput_ReturnsNullWithZeroTokens()
    {
        var response = await InvokeAsync("echo", null);
        Assert.Null(response.Output);
        Assert.Equal(TokenUsage.Zero, response.Tokens);
    }

    [Fact]
    public async Task Echo_NegativeCostPerToken_Throws()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => InvokeAsync("echo", Text("x"), """{"costPerToken":-1}"""));
        Assert.Equal("echo: parameter 'costPerToken' must be a number of 0 or more; got the number -1.", ex.Message);
    }

    [Fact]
    public async Task Echo_UnknownParameter_ThrowsListingKnownOnes()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => InvokeAsync("echo", Text("x"), """{"prefx":"> "}"""));
        Assert.Equal("echo: unknown parameter 'prefx'; expected one of: prefix, costPerToken.", ex.Message);
    }

    [Fact]
    public async Task Template_RendersInputAndContext()
    {
        var context = new JsonObject { ["user"] = "Ada" };
        var response = await InvokeAsync("template", JsonNode.Parse("""{"topic":"engines"}"""),
            """{"template":"Dear {{ context.user }}, about {{ input.topic | upcase }}."}""", context: context);
        Assert.Equal("Dear Ada, about ENGINES.", response.Output!.GetValue<string>());
    }

    [Fact]
    public async Task Template_PreviousIsTheInput()
    {
        var response = await InvokeAsync("template", Text("same"), """{"template":"{{ input }}={{ previous }}"}""");
        Assert.Equal("same=same", response.Output!.GetValue<string>());
    }

    [Fact]
    public async Task Template_RenderingAJsonObject_ReturnsJson()
    {
        var response = await InvokeAsync("template", Text("Ada"), """{"template":"{\"name\": \"{{ input }}\"}"}""");
        Assert.Equal("""{"name":"Ada"}""", AsJson(Assert.IsType<JsonObject>(response.Output)));
    }

    [Fact]
    public async Task Template_NowIsTheUnixEpoch()
    {
        var response = await InvokeAsync("template", null, """{"template":"{{ 'now' | date: '%Y-%m-%d' }}"}""");
        Assert.Equal("1970-01-01", response.Output!.GetValue<string>());
    }

    [Fact]
    public async Task Template_MissingTemplate_Throws()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => InvokeAsync("template", Text("x")));
        Assert.Equal("template: parameter 'template' is required (a Liquid template string).", ex.Message);
    }

    [Fact]
    public async Task KeywordClassifier_PicksCategoryWithMostHits()
    {
        var response = await InvokeAsync("keyword_classifier",
            Text("I got an error at login, and the refund page shows an error too."), SupportCategories);
        Assert.Equal("""{"category":"technical","matches":["error","login"],"score":3}""", AsJson(response.Output));
    }

    [Fact]
    public async Task KeywordClassifier_TieBetweenCategories_PicksFirstDeclared()
    {
        var response = await InvokeAsync("keyword_classifier", Text("Please send a demo and the invoice."), SupportCategories);
        Assert.Equal("""{"category":"billing","matches":["invoice"],"score":1}""", AsJson(response.Output));
    }

    [Fact]
    public async Task KeywordClassifier_MatchesWholeWordsIgnoringCase()
    {
        // "Refunded" and "errors" are not the whole words "refund" and "error"; "CRASH" is "crash".
        var response = await InvokeAsync("keyword_classifier", Text("Refunded twice, errors everywhere. CRASH!"), SupportCategories);
        Assert.Equal("""{"category":"technical","matches":["crash"],"score":1}""", AsJson(response.Output));
    }

    [Fact]
    public async Task KeywordClassifier_MultiWordKeyword_MatchesPhrase()
    {
        var response = await InvokeAsync("keyword_classifier", Text("My credit card was declined"),
            """{"categories":{"payments":["credit card"],"other_things":["card game"]}}""");
        Assert.Equal("""{"category":"payments","matches":["credit card"],"score":1}""", AsJson(response.Output));
    }

    [Fact]
    public async Task KeywordClassifier_NoHit_ReturnsDefaultWithScoreZero()
    {
        var response = await InvokeAsync("keyword_classifier", Text("Just saying hello"), SupportCategories);
        Assert.Equal("""{"category":"other","matches":[],"score":0}""", AsJson(response.Output));
    }

    [Fact]
    public async Task KeywordClassifier_CustomDefault_IsUsedWhenNothingMatches()
    {
        var response = await InvokeAsync("keyword_classifier", Text("hello"), """{"categories":{"a":["x"]},"default":"general"}""");
        Assert.Equal("general", response.Output!["category"]!.GetValue<string>());
    }

    [Fact]
    public async Task KeywordClassifier_Field_ReadsThatFieldOfAnObjectInput()
    {
        var input = JsonNode.Parse("""{"subject":"invoice question","ticket":{"body":"The app shows an error on login"}}""");
        var response = await InvokeAsync("keyword_classifier", input, """{"categories":{"billing":["invoice"],"technical":["error","login"]},"field":"ticket.body"}""");
        Assert.Equal("""{"category":"technical","matches":["error","login"],"score":2}""", AsJson(response.Output));
    }

    [Fact]
    public async Task KeywordClassifier_ObjectWithoutField_ReadsEveryStringValue()
    {
        var input = JsonNode.Parse("""{"refund":"no","notes":["please refund","the invoice"]}""");
        var response = await InvokeAsync("keyword_classifier", input, SupportCategories);
        // Keys are not read: only "please refund" and "the invoice" count.
        Assert.Equal("""{"category":"billing","matches":["invoice","refund"],"score":2}""", AsJson(response.Output));
    }

    [Fact]
    public async Task KeywordClassifier_FieldMissingFromInput_Throws()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            InvokeAsync("keyword_classifier", JsonNode.Parse("""{"title":"x"}"""), """{"categories":{"a":["x"]},"field":"body"}"""));
        Assert.Equal("keyword_classifier: the input has no text at field 'body' (found null).", ex.Message);
    }

    [Theory]
    [InlineData("{}", "keyword_classifier: parameter 'categories' is required (an object mapping each category to a non-empty array of keywords).")]
    [InlineData("""{"categories":["billing"]}""", "keyword_classifier: parameter 'categories' must be an object mapping each category to a non-empty array of keywords; got an array.")]
    [InlineData("""{"categories":{"billing":"invoice"}}""", "keyword_classifier: parameter 'categories.billing' must be a non-empty array of non-empty keyword strings; got the string \"invoice\".")]
    [InlineData("""{"categories":{"a":["x"]},"default":3}""", "keyword_classifier: parameter 'default' must be a string; got the number 3.")]
    public async Task KeywordClassifier_BadParameters_ThrowNamingParameterAndExpectation(string parameters, string message)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => InvokeAsync("keyword_classifier", Text("x"), parameters));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public async Task JsonTransform_MapsInputToObject_JsonRenderingsBecomeJson()
    {
        var input = JsonNode.Parse("""{"user":{"first":"Ada","last":"Lovelace"},"items":[1,2,3],"vip":true}""");
        var response = await InvokeAsync("json_transform", input, """
            {"mapping": {
              "fullName": "{{ input.user.first }} {{ input.user.last }}",
              "count": "{{ input.items | size }}",
              "vip": "{{ input.vip }}",
              "zip": "01234",
              "tags": "[\"{{ input.user.last | downcase }}\"]"
            }}
            """);
        Assert.Equal("""{"fullName":"Ada Lovelace","count":3,"vip":true,"zip":"01234","tags":["lovelace"]}""", AsJson(response.Output));
    }

    [Fact]
    public async Task JsonTransform_ReadsContext()
    {
        var response = await InvokeAsync("json_transform", Text("x"), """{"mapping":{"lang":"{{ context.lang }}"}}""",
            context: new JsonObject { ["lang"] = "es" });
        Assert.Equal("""{"lang":"es"}""", AsJson(response.Output));
    }

    [Fact]
    public async Task JsonTransform_MappingValueNotAString_Throws()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => InvokeAsync("json_transform", Text("x"), """{"mapping":{"n":5}}"""));
        Assert.Equal("json_transform: parameter 'mapping.n' must be a Liquid template string; got the number 5.", ex.Message);
    }

    [Fact]
    public async Task Fail_AlwaysThrowsDefaultMessage()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => InvokeAsync("fail", Text("x"), attempt: 5));
        Assert.Equal("Simulated failure", ex.Message);
    }

    [Fact]
    public async Task Fail_CustomMessage_IsThrown()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => InvokeAsync("fail", Text("x"), """{"message":"Upstream model unavailable"}"""));
        Assert.Equal("Upstream model unavailable", ex.Message);
    }

    [Fact]
    public async Task Fail_FailTimes_FailsThoseAttemptsThenEchoes()
    {
        const string parameters = """{"failTimes":2,"prefix":"ok: "}""";
        await Assert.ThrowsAsync<InvalidOperationException>(() => InvokeAsync("fail", Text("x"), parameters, attempt: 1));
        await Assert.ThrowsAsync<InvalidOperationException>(() => InvokeAsync("fail", Text("x"), parameters, attempt: 2));
        var response = await InvokeAsync("fail", Text("x"), parameters, attempt: 3);
        Assert.Equal("ok: x", response.Output!.GetValue<string>());
    }

    [Fact]
    public async Task Fail_FailTimesZero_NeverFails()
    {
        var response = await InvokeAsync("fail", Text("x"), """{"failTimes":0}""");
        Assert.Equal("x", response.Output!.GetValue<string>());
    }

    [Fact]
    public async Task Fail_FailTimesNotAnInteger_Throws()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => InvokeAsync("fail", Text("x"), """{"failTimes":"twice"}"""));
        Assert.Equal("fail: parameter 'failTimes' must be an integer of 0 or more; got the string \"twice\".", ex.Message);
    }

    [Fact]
    public async Task Agents_CancelledToken_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var request = new AgentRequest { Input = Text("x") };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Agent("echo").InvokeAsync(request, cancelled.Token));
    }
}

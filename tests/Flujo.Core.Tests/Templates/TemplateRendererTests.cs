using System.Text.Json.Nodes;
using Flujo.Templates;

namespace Flujo.Core.Tests.Templates;

/// <summary>SEMANTICS §2 step 1: the step input template over input, previous, steps.&lt;name&gt;.output and context.</summary>
public sealed class TemplateRendererTests
{
    private static readonly DateTimeOffset Noon = new(2024, 3, 1, 12, 34, 56, TimeSpan.Zero);

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    [Fact]
    public void Render_Input_TextInput()
    {
        var result = TemplateRenderer.Render("Summarise: {{ input }}", new TemplateData { Input = "the sea" }, Noon);

        Assert.Equal("Summarise: the sea", Text(result));
    }

    [Fact]
    public void Render_InputMember_ObjectInput()
    {
        var data = new TemplateData { Input = Obj("""{"topic":"sea","words":3,"tags":["a","b"]}""") };

        var result = TemplateRenderer.Render("{{ input.topic }} in {{ input.words }} words, first tag {{ input.tags[0] }}", data, Noon);

        Assert.Equal("sea in 3 words, first tag a", Text(result));
    }

    [Fact]
    public void Render_Previous_PreviousStepOutput()
    {
        var data = new TemplateData { Input = "run input", Previous = Obj("""{"draft":"Hello"}""") };

        var result = TemplateRenderer.Render("Improve: {{ previous.draft }}", data, Noon);

        Assert.Equal("Improve: Hello", Text(result));
    }

    [Fact]
    public void Render_StepsOutput_NamedStepOutputs()
    {
        var data = new TemplateData
        {
            StepOutputs = new Dictionary<string, JsonNode?>
            {
                ["outline"] = "1. intro 2. body",
                ["research"] = Obj("""{"facts":["salty","deep"]}"""),
            },
        };

        var result = TemplateRenderer.Render("{{ steps.outline.output }} | {{ steps.research.output.facts[1] }}", data, Noon);

        Assert.Equal("1. intro 2. body | deep", Text(result));
    }

    [Fact]
    public void Render_Context_NestedMembers()
    {
        var data = new TemplateData { Context = Obj("""{"user":{"name":"Ana","premium":true}}""") };

        var result = TemplateRenderer.Render("Hi {{ context.user.name }}{% if context.user.premium %} (premium){% endif %}", data, Noon);

        Assert.Equal("Hi Ana (premium)", Text(result));
    }

    [Fact]
    public void Render_MissingValue_RendersEmpty()
    {
        var result = TemplateRenderer.Render("[{{ input.nope }}][{{ steps.ghost.output }}][{{ previous }}]", new TemplateData { Input = Obj("{}") }, Noon);

        Assert.Equal("[][][]", Text(result));
    }

    [Fact]
    public void Render_ForLoopOverArray()
    {
        var data = new TemplateData { Input = Obj("""{"items":["a","b","c"]}""") };

        var result = TemplateRenderer.Render("{% for item in input.items %}{{ item }};{% endfor %}", data, Noon);

        Assert.Equal("a;b;c;", Text(result));
    }

    [Fact]
    public void Render_JsonFilterOnObject_BecomesThatJsonObject()
    {
        var input = Obj("""{"topic":"sea","n":3,"ok":true,"list":[1,"x",null],"nested":{"a":"b"}}""");

        var result = TemplateRenderer.Render("{{ input | json }}", new TemplateData { Input = input }, Noon);

        Assert.IsType<JsonObject>(result);
        Assert.True(JsonNode.DeepEquals(input, result), result?.ToJsonString());
    }

    [Fact]
    public void Render_JsonFilterInsideText_StaysText()
    {
        var result = TemplateRenderer.Render("Data: {{ input | json }}", new TemplateData { Input = Obj("""{"a":1}""") }, Noon);

        Assert.Equal("""Data: {"a":1}""", Text(result));
    }

    [Fact]
    public void Render_JsonLookingObjectText_BecomesJsonObject()
    {
        var data = new TemplateData { Input = Obj("""{"topic":"sea"}""") };

        var result = TemplateRenderer.Render("""  { "topic": "{{ input.topic }}", "length": 3 }  """, data, Noon);

        var obj = Assert.IsType<JsonObject>(result);
        Assert.Equal("sea", (string?)obj["topic"]);
        Assert.Equal(3, (int?)obj["length"]);
    }

    [Fact]
    public void Render_JsonLookingArrayText_BecomesJsonArray()
    {
        var data = new TemplateData { Input = Obj("""{"items":["a","b"]}""") };

        var result = TemplateRenderer.Render("{{ input.items | json }}", data, Noon);

        var array = Assert.IsType<JsonArray>(result);
        Assert.Equal(["a", "b"], array.Select(i => (string?)i));
    }

    [Theory]
    [InlineData("plain words")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("[draft] then more [end]")]
    [InlineData("{not json}")]
    [InlineData("[")]
    [InlineData("")]
    public void Render_OtherText_StaysAString(string template)
    {
        var result = TemplateRenderer.Render(template, new TemplateData(), Noon);

        Assert.Equal(template, Text(result));
    }

    [Fact]
    public void Render_NumbersFromCode_RenderAsNumbers()
    {
        // Values built in C# (JsonValue.Create(int/double/long)) rather than parsed from JSON text.
        var data = new TemplateData
        {
            Input = new JsonObject { ["count"] = 42, ["ratio"] = 0.5, ["big"] = 9_000_000_000L, ["price"] = 1.25m },
            Context = new JsonObject { ["retries"] = 2 },
        };

        var result = TemplateRenderer.Render("{{ input.count }} {{ input.ratio }} {{ input.big }} {{ input.price }} {{ context.retries | plus: 1 }}", data, Noon);

        Assert.Equal("42 0.5 9000000000 1.25 3", Text(result));
    }

    [Fact]
    public void Render_ValuesFromCode_JsonFilterRoundTrips()
    {
        var input = new JsonObject { ["count"] = 42, ["flag"] = true, ["name"] = "x", ["when"] = "2024-01-01" };

        var result = TemplateRenderer.Render("{{ input | json }}", new TemplateData { Input = input }, Noon);

        Assert.True(JsonNode.DeepEquals(input, result), result?.ToJsonString());
    }

    [Fact]
    public void Render_StringLikeValuesFromCode_RenderAsText()
    {
        // Dates, GUIDs and chars built in C# are JSON strings, though no CLR string backs them.
        var id = Guid.Parse("6f1c2a1e-0000-4000-8000-000000000001");
        var data = new TemplateData
        {
            Input = new JsonObject { ["due"] = new DateTimeOffset(2024, 5, 17, 8, 0, 0, TimeSpan.Zero), ["id"] = id, ["grade"] = 'A' },
        };

        var result = TemplateRenderer.Render("""{{ input.due | date: "%d/%m/%Y" }} {{ input.id }} {{ input.grade }}""", data, Noon);

        Assert.Equal("17/05/2024 6f1c2a1e-0000-4000-8000-000000000001 A", Text(result));
    }

    [Fact]
    public void Render_RuntimeError_ThrowsTemplateRenderException()
    {
        var data = new TemplateData { Input = Obj("""{"n":0}""") };

        var ex = Assert.Throws<TemplateRenderException>(() => TemplateRenderer.Render("{{ 10 | divided_by: input.n }}", data, Noon));

        Assert.StartsWith("Template failed to render: ", ex.Message);
    }

    [Fact]
    public void Render_NowWithDateFilter_UsesTheGivenClock()
    {
        var result = TemplateRenderer.Render("""{{ "now" | date: "%Y-%m-%d %H:%M:%S" }}""", new TemplateData(), Noon);

        Assert.Equal("2024-03-01 12:34:56", Text(result));
    }

    [Fact]
    public void Render_SameTemplateDifferentClocks_EachRenderUsesItsOwnClock()
    {
        const string template = """Today is {{ "now" | date: "%Y-%m-%d" }}""";

        var first = TemplateRenderer.Render(template, new TemplateData(), Noon);
        var second = TemplateRenderer.Render(template, new TemplateData(), Noon.AddDays(1));

        Assert.Equal("Today is 2024-03-01", Text(first));
        Assert.Equal("Today is 2024-03-02", Text(second));
    }

    [Fact]
    public void Render_NowWithAnOffset_RenderedAsGiven()
    {
        // SEMANTICS is silent; decision: "now" is the caller's clock value as given (orchestrations pass UTC).
        var madridMidnight = new DateTimeOffset(2024, 3, 1, 0, 30, 0, TimeSpan.FromHours(1));

        var result = TemplateRenderer.Render("""{{ "now" | date: "%Y-%m-%d %H:%M %z" }}""", new TemplateData(), madridMidnight);

        Assert.Equal("2024-03-01 00:30 +0100", Text(result));
    }

    [Fact]
    public void Render_DateFilterOnAValue_Formats()
    {
        var data = new TemplateData { Input = Obj("""{"due":"2024-05-17T08:00:00Z"}""") };

        var result = TemplateRenderer.Render("""{{ input.due | date: "%d/%m/%Y" }}""", data, Noon);

        Assert.Equal("17/05/2024", Text(result));
    }

    [Theory]
    [InlineData("{{ input ")]
    [InlineData("{% if input %}no end")]
    [InlineData("{% for %}{% endfor %}")]
    public void Render_ParseError_ThrowsTemplateRenderException(string template)
    {
        var ex = Assert.Throws<TemplateRenderException>(() => TemplateRenderer.Render(template, new TemplateData(), Noon));

        Assert.StartsWith("Template does not parse: ", ex.Message);
    }

    [Fact]
    public void Render_ParseErrorTwice_ThrowsBothTimes()
    {
        const string template = "{{ broken ";

        Assert.Throws<TemplateRenderException>(() => TemplateRenderer.Render(template, new TemplateData(), Noon));
        Assert.Throws<TemplateRenderException>(() => TemplateRenderer.Render(template, new TemplateData(), Noon));
    }

    [Fact]
    public void TryParse_InvalidTemplate_ReturnsTheParserMessage()
    {
        var error = TemplateRenderer.TryParse("Hello {{ input ");

        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void TryParse_InvalidTemplate_SameMessageAsRender()
    {
        const string template = "{% if x %}unterminated";

        var error = TemplateRenderer.TryParse(template);
        var ex = Assert.Throws<TemplateRenderException>(() => TemplateRenderer.Render(template, new TemplateData(), Noon));

        Assert.NotNull(error);
        Assert.Equal($"Template does not parse: {error}", ex.Message);
    }

    [Theory]
    [InlineData("Hello {{ input }}")]
    [InlineData("{% for x in input.items %}{{ x }}{% endfor %}")]
    [InlineData("no tags at all")]
    public void TryParse_ValidTemplate_ReturnsNull(string template)
    {
        Assert.Null(TemplateRenderer.TryParse(template));
    }

    [Fact]
    public void TryParse_ThenRender_RendersTheCachedTemplate()
    {
        const string template = "cached {{ input }}";

        Assert.Null(TemplateRenderer.TryParse(template));
        Assert.Null(TemplateRenderer.TryParse(template));

        Assert.Equal("cached x", Text(TemplateRenderer.Render(template, new TemplateData { Input = "x" }, Noon)));
        Assert.Equal("cached y", Text(TemplateRenderer.Render(template, new TemplateData { Input = "y" }, Noon)));
    }

    [Fact]
    public void Render_DoesNotChangeItsData()
    {
        var input = Obj("""{"items":["b","a"]}""");
        var context = Obj("""{"k":1}""");

        TemplateRenderer.Render("{{ input.items | sort | json }}{{ context | json }}", new TemplateData { Input = input, Context = context }, Noon);

        Assert.True(JsonNode.DeepEquals(Obj("""{"items":["b","a"]}"""), input));
        Assert.True(JsonNode.DeepEquals(Obj("""{"k":1}"""), context));
    }

    [Fact]
    public void Render_ObjectTextWithDuplicateKeys_StaysText()
    {
        // Not a valid JSON object: it stays text rather than becoming a node that throws when read later.
        const string template = """{"a":1,"a":2}""";

        var result = TemplateRenderer.Render(template, new TemplateData(), Noon);

        Assert.Equal(template, Text(result));
    }
}

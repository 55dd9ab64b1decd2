using System.Text.Json.Nodes;
using static Flujo.Core.Tests.BuiltIns.BuiltInComponents;

namespace Flujo.Core.Tests.BuiltIns;

public sealed class ProcessorTests
{
    [Fact]
    public async Task Trim_String_RemovesSurroundingWhiteSpace()
    {
        var result = await ProcessAsync("trim", Text("  \n hello world \t\n"));
        Assert.Equal("hello world", result!.GetValue<string>());
    }

    [Fact]
    public async Task Trim_NonString_PassesThroughUnchanged()
    {
        var value = JsonNode.Parse("""{"a":"  x  "}""");
        var result = await ProcessAsync("trim", value);
        Assert.Equal("""{"a":"  x  "}""", AsJson(result));
    }

    [Fact]
    public async Task Trim_UnknownParameter_ThrowsNamingIt()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ProcessAsync("trim", Text("x"), """{"chars":"x"}"""));
        Assert.Equal("trim: unknown parameter 'chars'; it takes no parameters.", ex.Message);
    }

    [Fact]
    public async Task StripMarkdownFences_FencedJson_ReturnsBody()
    {
        var result = await ProcessAsync("strip_markdown_fences", Text("```json\n{\"a\": 1}\n```"));
        Assert.Equal("{\"a\": 1}", result!.GetValue<string>());
    }

    [Fact]
    public async Task StripMarkdownFences_TextAroundFences_TakesFirstBlock()
    {
        var text = "Here you go:\n\n```python\nprint(1)\nprint(2)\n```\n\nAnd another:\n```\nsecond\n```\nBye.";
        var result = await ProcessAsync("strip_markdown_fences", Text(text));
        Assert.Equal("print(1)\nprint(2)", result!.GetValue<string>());
    }

    [Fact]
    public async Task StripMarkdownFences_FenceWithoutLanguageAndCrLf_ReturnsBody()
    {
        var result = await ProcessAsync("strip_markdown_fences", Text("```\r\nline one\r\nline two\r\n```\r\n"));
        Assert.Equal("line one\r\nline two", result!.GetValue<string>());
    }

    [Fact]
    public async Task StripMarkdownFences_TildeFence_ReturnsBody()
    {
        var result = await ProcessAsync("strip_markdown_fences", Text("~~~yaml\nkey: value\n~~~"));
        Assert.Equal("key: value", result!.GetValue<string>());
    }

    [Fact]
    public async Task StripMarkdownFences_FenceOnOneLine_ReturnsBody()
    {
        var result = await ProcessAsync("strip_markdown_fences", Text("Result: ```{\"ok\":true}``` done"));
        Assert.Equal("{\"ok\":true}", result!.GetValue<string>());
    }

    [Fact]
    public async Task StripMarkdownFences_LongerFenceContainingShorterOne_KeepsInnerFence()
    {
        var text = "````markdown\n```js\nx()\n```\n````";
        var result = await ProcessAsync("strip_markdown_fences", Text(text));
        Assert.Equal("```js\nx()\n```", result!.GetValue<string>());
    }

    [Theory]
    [InlineData("no fences here")]
    [InlineData("```json\n{\"unclosed\": true}")]
    public async Task StripMarkdownFences_NoCompleteFence_ReturnsTextUnchanged(string text)
    {
        var result = await ProcessAsync("strip_markdown_fences", Text(text));
        Assert.Equal(text, result!.GetValue<string>());
    }

    [Fact]
    public async Task StripMarkdownFences_NonString_PassesThroughUnchanged()
    {
        var result = await ProcessAsync("strip_markdown_fences", JsonNode.Parse("[1,2]"));
        Assert.Equal("[1,2]", AsJson(result));
    }

    [Fact]
    public async Task ParseJson_JsonText_BecomesJsonValue()
    {
        var result = await ProcessAsync("parse_json", Text(""" { "name": "Ada", "tags": ["x"], "n": 3 } """));
        var obj = Assert.IsType<JsonObject>(result);
        Assert.Equal("Ada", obj["name"]!.GetValue<string>());
        Assert.Equal(3, obj["n"]!.GetValue<int>());
        Assert.Equal("""["x"]""", AsJson(obj["tags"]));
    }

    [Fact]
    public async Task ParseJson_ScalarJsonText_BecomesScalar()
    {
        Assert.Equal("42", AsJson(await ProcessAsync("parse_json", Text("42"))));
        Assert.Equal("true", AsJson(await ProcessAsync("parse_json", Text("true"))));
    }

    [Fact]
    public async Task ParseJson_InvalidJson_ThrowsClearMessage()
    {
        var ex = await Assert.ThrowsAsync<FormatException>(() => ProcessAsync("parse_json", Text("Sure! {\"a\": 1}")));
        Assert.StartsWith("parse_json: the text is not valid JSON (", ex.Message);
        Assert.EndsWith("It starts with: \"Sure! {\\\"a\\\": 1}\"", ex.Message);
    }

    [Fact]
    public async Task ParseJson_EmptyText_ThrowsSayingEmpty()
    {
        var ex = await Assert.ThrowsAsync<FormatException>(() => ProcessAsync("parse_json", Text("   ")));
        Assert.EndsWith("It starts with: (empty text)", ex.Message);
    }

    [Fact]
    public async Task ParseJson_NonString_PassesThroughUnchanged()
    {
        var result = await ProcessAsync("parse_json", JsonNode.Parse("""{"already":"json"}"""));
        Assert.Equal("""{"already":"json"}""", AsJson(result));
    }

    [Fact]
    public async Task EnforceJson_ObjectText_DefaultTypeObject_ReturnsObject()
    {
        var result = await ProcessAsync("enforce_json", Text("""{"a":1}"""));
        Assert.Equal("""{"a":1}""", AsJson(Assert.IsType<JsonObject>(result)));
    }

    [Fact]
    public async Task EnforceJson_ArrayText_DefaultTypeObject_Throws()
    {
        var ex = await Assert.ThrowsAsync<FormatException>(() => ProcessAsync("enforce_json", Text("[1,2]")));
        Assert.Equal("enforce_json: expected a JSON object, got text holding an array.", ex.Message);
    }

    [Fact]
    public async Task EnforceJson_TypeArray_AcceptsArrayRejectsObject()
    {
        Assert.Equal("[1,2]", AsJson(await ProcessAsync("enforce_json", Text("[1,2]"), """{"type":"array"}""")));
        var ex = await Assert.ThrowsAsync<FormatException>(() => ProcessAsync("enforce_json", JsonNode.Parse("{}"), """{"type":"array"}"""));
        Assert.Equal("enforce_json: expected a JSON array, got an object.", ex.Message);
    }

    [Fact]
    public async Task EnforceJson_TypeAny_AcceptsScalarButNotPlainText()
    {
        Assert.Equal("7", AsJson(await ProcessAsync("enforce_json", Text("7"), """{"type":"any"}""")));
        var ex = await Assert.ThrowsAsync<FormatException>(() => ProcessAsync("enforce_json", Text("seven"), """{"type":"any"}"""));
        Assert.StartsWith("enforce_json: the text is not valid JSON (", ex.Message);
    }

    [Fact]
    public async Task EnforceJson_AlreadyParsedObject_PassesThrough()
    {
        var result = await ProcessAsync("enforce_json", JsonNode.Parse("""{"k":"v"}"""));
        Assert.Equal("""{"k":"v"}""", AsJson(result));
    }

    [Fact]
    public async Task EnforceJson_UnknownType_ThrowsNamingParameterAndChoices()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ProcessAsync("enforce_json", Text("{}"), """{"type":"dict"}"""));
        Assert.Equal("enforce_json: parameter 'type' must be one of \"object\", \"array\", \"any\"; got the string \"dict\".", ex.Message);
    }
}

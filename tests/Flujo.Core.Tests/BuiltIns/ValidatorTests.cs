using System.Text.Json.Nodes;
using static Flujo.Core.Tests.BuiltIns.BuiltInComponents;

namespace Flujo.Core.Tests.BuiltIns;

public sealed class ValidatorTests
{
    private const string PersonSchema = """
        {"schema": {
          "type": "object",
          "required": ["name", "age"],
          "properties": {
            "name": {"type": "string"},
            "age": {"type": "integer", "minimum": 0},
            "tags": {"type": "array", "items": {"type": "string"}}
          }
        }}
        """;

    [Fact]
    public async Task JsonSchema_MatchingOutput_IsValid()
    {
        var result = await ValidateAsync("json_schema", JsonNode.Parse("""{"name":"Ada","age":36,"tags":["math"]}"""), PersonSchema);
        Assert.True(result.IsValid);
        Assert.Null(result.Feedback);
    }

    [Fact]
    public async Task JsonSchema_InvalidOutput_ListsEachErrorWithInstanceLocation()
    {
        var result = await ValidateAsync("json_schema", JsonNode.Parse("""{"age":"old","tags":["ok",7]}"""), PersonSchema);
        Assert.False(result.IsValid);
        Assert.Equal(
            "(root): Required properties [\"name\"] are not present; " +
            "/age: Value is \"string\" but should be \"integer\"; " +
            "/tags/1: Value is \"integer\" but should be \"string\"",
            result.Feedback);
    }

    [Fact]
    public async Task JsonSchema_StringHoldingJson_IsValidatedAsString()
    {
        var result = await ValidateAsync("json_schema", Text("""{"name":"Ada","age":36}"""), PersonSchema);
        Assert.False(result.IsValid);
        Assert.Equal("(root): Value is \"string\" but should be \"object\"", result.Feedback);
    }

    [Fact]
    public async Task JsonSchema_NullOutput_IsEvaluatedAsJsonNull()
    {
        var result = await ValidateAsync("json_schema", null, """{"schema":{"type":["object","null"]}}""");
        Assert.True(result.IsValid);
    }

    [Fact]
    public async Task JsonSchema_SameIdInTwoUses_DoesNotClash()
    {
        // Each use builds its schema in a registry of its own, so two steps may reuse an $id with different content.
        var first = await ValidateAsync("json_schema", JsonNode.Parse("1"), """{"schema":{"$id":"https://example.com/s","type":"integer"}}""");
        var second = await ValidateAsync("json_schema", JsonNode.Parse("1"), """{"schema":{"$id":"https://example.com/s","type":"string"}}""");
        Assert.True(first.IsValid);
        Assert.False(second.IsValid);
    }

    [Fact]
    public async Task JsonSchema_MissingSchema_Throws()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ValidateAsync("json_schema", JsonNode.Parse("{}")));
        Assert.Equal("json_schema: parameter 'schema' is required (a JSON Schema object).", ex.Message);
    }

    [Fact]
    public async Task JsonSchema_SchemaNotAnObject_Throws()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ValidateAsync("json_schema", JsonNode.Parse("{}"), """{"schema":"person.json"}"""));
        Assert.Equal("json_schema: parameter 'schema' must be a JSON Schema object; got the string \"person.json\".", ex.Message);
    }

    [Fact]
    public async Task JsonSchema_BrokenSchema_ThrowsSayingWhy()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ValidateAsync("json_schema", JsonNode.Parse("{}"), """{"schema":{"type":12}}"""));
        Assert.Equal("json_schema: parameter 'schema' is not a valid JSON Schema: 'type' must be either a string or an array of strings.", ex.Message);
    }

    [Fact]
    public async Task JsonSchema_Draft07WithLocalRef_ResolvesDefinitions()
    {
        const string parameters = """
            {"schema": {
              "$schema": "http://json-schema.org/draft-07/schema#",
              "properties": {"id": {"$ref": "#/definitions/id"}},
              "definitions": {"id": {"type": "string", "pattern": "^[A-Z]{3}-\\d+$"}}
            }}
            """;
        Assert.True((await ValidateAsync("json_schema", JsonNode.Parse("""{"id":"ABC-12"}"""), parameters)).IsValid);
        var result = await ValidateAsync("json_schema", JsonNode.Parse("""{"id":"abc"}"""), parameters);
        Assert.False(result.IsValid);
        Assert.StartsWith("/id: ", result.Feedback);
    }

    [Fact]
    public async Task JsonSchema_UnresolvableRemoteRef_ThrowsParameterError()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            ValidateAsync("json_schema", JsonNode.Parse("1"), """{"schema":{"$ref":"https://example.com/remote.json"}}"""));
        Assert.Equal("json_schema: parameter 'schema' cannot be evaluated: Could not resolve 'https://example.com/remote.json'.", ex.Message);
    }

    [Fact]
    public async Task Regex_MatchingOutput_IsValid()
    {
        var result = await ValidateAsync("regex", Text("Order #12345 shipped"), """{"pattern":"#\\d{5}\\b"}""");
        Assert.True(result.IsValid);
    }

    [Fact]
    public async Task Regex_NoMatch_IsInvalidNamingPattern()
    {
        var result = await ValidateAsync("regex", Text("Order shipped"), """{"pattern":"#\\d{5}"}""");
        Assert.False(result.IsValid);
        Assert.Equal("Output does not match the pattern '#\\d{5}'.", result.Feedback);
    }

    [Fact]
    public async Task Regex_MustMatchFalse_ForbidsPattern()
    {
        var parameters = """{"pattern":"(?i)as an ai","mustMatch":false}""";
        Assert.True((await ValidateAsync("regex", Text("Here is the answer."), parameters)).IsValid);
        var result = await ValidateAsync("regex", Text("As an AI, I cannot."), parameters);
        Assert.False(result.IsValid);
        Assert.Equal("Output matches the forbidden pattern '(?i)as an ai' (at 'As an AI').", result.Feedback);
    }

    [Fact]
    public async Task Regex_NonStringOutput_MatchesItsJsonText()
    {
        var result = await ValidateAsync("regex", JsonNode.Parse("""{"status":"ok"}"""), """{"pattern":"\"status\":\"ok\""}""");
        Assert.True(result.IsValid);
    }

    [Fact]
    public async Task Regex_InvalidPattern_ThrowsNamingParameter()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ValidateAsync("regex", Text("x"), """{"pattern":"(unclosed"}"""));
        Assert.StartsWith("regex: parameter 'pattern' is not a valid regular expression: ", ex.Message);
    }

    [Fact]
    public async Task Regex_PathologicalPattern_IsInvalidWithinThePatternTimeout()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await ValidateAsync("regex", Text(new string('a', 34) + "!"), """{"pattern":"^(a+)+$"}""");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
        Assert.False(result.IsValid);
        Assert.Contains("took longer than", result.Feedback);
    }

    [Fact]
    public async Task Regex_MustMatchNotBoolean_Throws()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ValidateAsync("regex", Text("x"), """{"pattern":"x","mustMatch":"no"}"""));
        Assert.Equal("regex: parameter 'mustMatch' must be true or false; got the string \"no\".", ex.Message);
    }

    [Fact]
    public async Task Contains_Text_CaseSensitiveByDefault()
    {
        Assert.True((await ValidateAsync("contains", Text("Summary: fine"), """{"text":"Summary"}""")).IsValid);
        var result = await ValidateAsync("contains", Text("summary: fine"), """{"text":"Summary"}""");
        Assert.False(result.IsValid);
        Assert.Equal("Output does not contain 'Summary'.", result.Feedback);
    }

    [Fact]
    public async Task Contains_IgnoreCase_MatchesAnyCase()
    {
        var result = await ValidateAsync("contains", Text("SUMMARY: fine"), """{"text":"summary","ignoreCase":true}""");
        Assert.True(result.IsValid);
    }

    [Fact]
    public async Task Contains_All_ReportsEveryMissingEntry()
    {
        var result = await ValidateAsync("contains", Text("apples and pears"), """{"all":["apples","plums","figs"]}""");
        Assert.False(result.IsValid);
        Assert.Equal("Output does not contain 'plums', 'figs'.", result.Feedback);
    }

    [Fact]
    public async Task Contains_Any_NeedsOneEntry()
    {
        Assert.True((await ValidateAsync("contains", Text("status: approved"), """{"any":["approved","rejected"]}""")).IsValid);
        var result = await ValidateAsync("contains", Text("status: pending"), """{"any":["approved","rejected"]}""");
        Assert.Equal("Output contains none of 'approved', 'rejected'.", result.Feedback);
    }

    [Fact]
    public async Task Contains_SeveralConditionsFail_ReportsAll()
    {
        var result = await ValidateAsync("contains", Text("hello"), """{"text":"Dear","any":["Regards","Cheers"]}""");
        Assert.Equal("Output does not contain 'Dear'. Output contains none of 'Regards', 'Cheers'.", result.Feedback);
    }

    [Fact]
    public async Task Contains_NoCondition_ThrowsSayingWhichParametersToGive()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ValidateAsync("contains", Text("x"), """{"ignoreCase":true}"""));
        Assert.Equal("contains: give parameter 'text' (a string), 'all' or 'any' (arrays of strings).", ex.Message);
    }

    [Fact]
    public async Task Contains_AnyNotAnArray_Throws()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ValidateAsync("contains", Text("x"), """{"any":"a"}"""));
        Assert.Equal("contains: parameter 'any' must be a non-empty array of non-empty strings; got the string \"a\".", ex.Message);
    }

    [Fact]
    public async Task Length_TextWithinBounds_IsValid()
    {
        Assert.True((await ValidateAsync("length", Text("hello"), """{"min":5,"max":5}""")).IsValid);
        Assert.True((await ValidateAsync("length", Text("hello"), """{"max":10}""")).IsValid);
        Assert.True((await ValidateAsync("length", Text("hello"), """{"min":1}""")).IsValid);
    }

    [Fact]
    public async Task Length_TextTooShortOrTooLong_IsInvalidWithNumbers()
    {
        var tooShort = await ValidateAsync("length", Text("hi"), """{"min":3,"max":5}""");
        Assert.Equal("Output is 2 characters; the minimum is 3.", tooShort.Feedback);
        var tooLong = await ValidateAsync("length", Text("goodbye"), """{"min":3,"max":5}""");
        Assert.Equal("Output is 7 characters; the maximum is 5.", tooLong.Feedback);
    }

    [Fact]
    public async Task Length_Array_CountsItems()
    {
        Assert.True((await ValidateAsync("length", JsonNode.Parse("""["a","b","c"]"""), """{"min":3}""")).IsValid);
        var result = await ValidateAsync("length", JsonNode.Parse("[]"), """{"min":1}""");
        Assert.Equal("Output is 0 items; the minimum is 1.", result.Feedback);
    }

    [Fact]
    public async Task Length_NoBound_Throws()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ValidateAsync("length", Text("x")));
        Assert.Equal("length: give parameter 'min', 'max' or both (integers of 0 or more).", ex.Message);
    }

    [Fact]
    public async Task Length_MinAboveMax_Throws()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ValidateAsync("length", Text("x"), """{"min":7,"max":5}"""));
        Assert.Equal("length: parameter 'min' must not exceed 'max' (5); got 7.", ex.Message);
    }
}

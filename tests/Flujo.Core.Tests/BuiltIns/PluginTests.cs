using System.Text.Json.Nodes;
using static Flujo.Core.Tests.BuiltIns.BuiltInComponents;

namespace Flujo.Core.Tests.BuiltIns;

public sealed class PluginTests
{
    [Fact]
    public async Task RequiredKeys_AllKeysPresent_Passes()
    {
        var result = await CheckAsync("required_keys", JsonNode.Parse("""{"title":"t","body":null,"extra":1}"""), """{"keys":["title","body"]}""");
        Assert.True(result.Success);
        Assert.Null(result.Feedback);
        Assert.False(result.ReplacesOutput);
    }

    [Fact]
    public async Task RequiredKeys_MissingKeys_ListsThemInDeclaredOrder()
    {
        var result = await CheckAsync("required_keys", JsonNode.Parse("""{"b":1}"""), """{"keys":["z","b","a"]}""");
        Assert.False(result.Success);
        Assert.Equal("Missing required keys: z, a", result.Feedback);
    }

    [Fact]
    public async Task RequiredKeys_OutputNotAnObject_FailsSayingWhatItGot()
    {
        var result = await CheckAsync("required_keys", Text("""{"a":1}"""), """{"keys":["a"]}""");
        Assert.False(result.Success);
        Assert.Equal("Output must be a JSON object with keys a; got string.", result.Feedback);
    }

    [Fact]
    public async Task RequiredKeys_MissingKeysParameter_Throws()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => CheckAsync("required_keys", JsonNode.Parse("{}")));
        Assert.Equal("required_keys: parameter 'keys' is required (a non-empty array of non-empty strings).", ex.Message);
    }

    [Fact]
    public async Task RequiredKeys_KeysNotAnArray_Throws()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => CheckAsync("required_keys", JsonNode.Parse("{}"), """{"keys":"a,b"}"""));
        Assert.Equal("required_keys: parameter 'keys' must be a non-empty array of non-empty strings; got the string \"a,b\".", ex.Message);
    }

    [Fact]
    public async Task MaxLength_WithinLimit_Passes()
    {
        var result = await CheckAsync("max_length", Text("12345"), """{"max":5}""");
        Assert.True(result.Success);
    }

    [Fact]
    public async Task MaxLength_TooLong_FailsWithFeedbackToShorten()
    {
        var result = await CheckAsync("max_length", Text("This is far too long."), """{"max":10}""");
        Assert.False(result.Success);
        Assert.Equal("Output is 21 characters; the limit is 10. Shorten it.", result.Feedback);
    }

    [Fact]
    public async Task MaxLength_CountsEmojiAsOneCharacter()
    {
        var result = await CheckAsync("max_length", Text("ok 👍👍"), """{"max":5}""");
        Assert.True(result.Success);
    }

    [Fact]
    public async Task MaxLength_NonStringOutput_MeasuresItsJsonText()
    {
        var result = await CheckAsync("max_length", JsonNode.Parse("""{"a":"bcd"}"""), """{"max":5}""");
        Assert.Equal("Output is 11 characters; the limit is 5. Shorten it.", result.Feedback);
    }

    [Theory]
    [InlineData("{}", "max_length: parameter 'max' is required (an integer of 0 or more).")]
    [InlineData("""{"max":"10"}""", "max_length: parameter 'max' must be an integer of 0 or more; got the string \"10\".")]
    [InlineData("""{"max":2.5}""", "max_length: parameter 'max' must be an integer of 0 or more; got the number 2.5.")]
    [InlineData("""{"max":-1}""", "max_length: parameter 'max' must be an integer of 0 or more; got the number -1.")]
    [InlineData("""{"maximum":10}""", "max_length: unknown parameter 'maximum'; expected one of: max.")]
    public async Task MaxLength_BadParameters_ThrowNamingComponentParameterAndExpectation(string parameters, string message)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => CheckAsync("max_length", Text("x"), parameters));
        Assert.Equal(message, ex.Message);
    }
}

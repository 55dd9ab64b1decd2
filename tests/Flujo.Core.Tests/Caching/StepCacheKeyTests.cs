using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flujo.Caching;
using Flujo.Definition;

namespace Flujo.Core.Tests.Caching;

/// <summary>SEMANTICS §6: key = &lt;step name&gt;:&lt;sha256 of canonical JSON {fingerprint, input}&gt;.</summary>
public sealed class StepCacheKeyTests
{
    private static AgentStepDefinition Step() => new()
    {
        Name = "summarise",
        Agent = new ComponentReference("writer", new JsonObject { ["model"] = "gpt-x", ["temperature"] = 0.2 }),
        MaxRetries = 2,
        Retry = new RetryOptions { Delay = TimeSpan.FromSeconds(1), BackoffCoefficient = 3, MaxDelay = TimeSpan.FromMinutes(1) },
        Timeout = TimeSpan.FromSeconds(30),
        PromptProcessors = [new ComponentReference("trim")],
        OutputProcessors = [new ComponentReference("strip_fences")],
        Plugins = [new PluginReference("max_length", 5, new JsonObject { ["max"] = 100 })],
        Validators = [new ComponentReference("contains", new JsonObject { ["text"] = "ok" })],
        UpdatesContext = true,
        Cache = new CacheOptions(),
    };

    private static readonly JsonNode Input = JsonNode.Parse("""{"topic":"rivers","n":3}""")!;

    [Fact]
    public void Key_IsStepNameColonSha256OfCanonicalFingerprintAndInput()
    {
        var step = Step();
        var canonical = CanonicalJson.Serialize(new JsonObject { ["fingerprint"] = StepCacheKey.Fingerprint(step), ["input"] = Input.DeepClone() });
        var expected = "summarise:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

        Assert.Equal(expected, StepCacheKey.Compute(step, Input));
        Assert.Matches("^summarise:[0-9a-f]{64}$", StepCacheKey.Compute(step, Input));
    }

    [Fact]
    public void Key_IsTheSameForTheSameStepAndInput()
    {
        Assert.Equal(StepCacheKey.Compute(Step(), Input), StepCacheKey.Compute(Step(), Input.DeepClone()));
    }

    [Fact]
    public void CanonicalJson_SortsKeysRecursively_WithoutWhitespace()
    {
        var a = JsonNode.Parse("""{ "b": 1, "a": { "y": [ 2, { "d": 1, "c": 2 } ], "x": null } }""");
        var b = JsonNode.Parse("""{"a":{"x":null,"y":[2,{"c":2,"d":1}]},"b":1}""");

        Assert.Equal("""{"a":{"x":null,"y":[2,{"c":2,"d":1}]},"b":1}""", CanonicalJson.Serialize(a));
        Assert.Equal(CanonicalJson.Serialize(a), CanonicalJson.Serialize(b));
    }

    [Fact]
    public void Key_DoesNotDependOnMemberOrder_OfInputOrParameters()
    {
        var reordered = Step();
        reordered.Agent.Parameters = new JsonObject { ["temperature"] = 0.2, ["model"] = "gpt-x" };

        Assert.Equal(StepCacheKey.Compute(Step(), Input), StepCacheKey.Compute(reordered, JsonNode.Parse("""{"n":3,"topic":"rivers"}""")));
    }

    [Fact]
    public void Key_KeepsArrayOrder()
    {
        Assert.NotEqual(StepCacheKey.Compute(Step(), JsonNode.Parse("[1,2]")), StepCacheKey.Compute(Step(), JsonNode.Parse("[2,1]")));
    }

    public static TheoryData<string> FingerprintChanges() =>
    [
        "step name", "agent name", "agent parameter", "model", "prompt processor", "prompt processor parameter",
        "output processor", "plugin", "plugin priority", "plugin parameter", "validator", "validator parameter",
        "max retries", "retry delay", "retry backoff", "retry max delay", "timeout", "no timeout", "updates context",
    ];

    [Theory]
    [MemberData(nameof(FingerprintChanges))]
    public void EveryFingerprintField_ChangesTheKey(string change)
    {
        var step = Step();
        switch (change)
        {
            case "step name": step.Name = "summarise2"; break;
            case "agent name": step.Agent.Name = "writer2"; break;
            case "agent parameter": step.Agent.Parameters["temperature"] = 0.3; break;
            case "model": step.Agent.Parameters["model"] = "gpt-y"; break;
            case "prompt processor": step.PromptProcessors.Add(new ComponentReference("upper")); break;
            case "prompt processor parameter": step.PromptProcessors[0].Parameters["x"] = 1; break;
            case "output processor": step.OutputProcessors.Clear(); break;
            case "plugin": step.Plugins[0].Name = "required_keys"; break;
            case "plugin priority": step.Plugins[0].Priority = 6; break;
            case "plugin parameter": step.Plugins[0].Parameters["max"] = 101; break;
            case "validator": step.Validators.Add(new ComponentReference("length")); break;
            case "validator parameter": step.Validators[0].Parameters["text"] = "fine"; break;
            case "max retries": step.MaxRetries = 3; break;
            case "retry delay": step.Retry.Delay = TimeSpan.FromSeconds(2); break;
            case "retry backoff": step.Retry.BackoffCoefficient = 2; break;
            case "retry max delay": step.Retry.MaxDelay = TimeSpan.FromMinutes(2); break;
            case "timeout": step.Timeout = TimeSpan.FromSeconds(31); break;
            case "no timeout": step.Timeout = null; break;
            case "updates context": step.UpdatesContext = false; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, "unknown change");
        }

        Assert.NotEqual(StepCacheKey.Compute(Step(), Input), StepCacheKey.Compute(step, Input));
    }

    [Fact]
    public void Key_ChangesWithTheInput()
    {
        Assert.NotEqual(StepCacheKey.Compute(Step(), Input), StepCacheKey.Compute(Step(), JsonNode.Parse("""{"topic":"lakes","n":3}""")));
        Assert.NotEqual(StepCacheKey.Compute(Step(), JsonValue.Create("3")), StepCacheKey.Compute(Step(), JsonValue.Create(3)));
        Assert.NotEqual(StepCacheKey.Compute(Step(), null), StepCacheKey.Compute(Step(), JsonValue.Create("")));
    }

    [Fact]
    public void Model_IsTheAgentsModelParameter_InTheFingerprint()
    {
        Assert.Equal("gpt-x", StepCacheKey.Fingerprint(Step())["model"]!.GetValue<string>());
        var noModel = Step();
        noModel.Agent.Parameters.Remove("model");
        Assert.Null(StepCacheKey.Fingerprint(noModel)["model"]);
    }

    [Fact]
    public void ContextAndNonBehaviourFields_DoNotChangeTheKey()
    {
        // The context is not an argument at all; the input template, fallback, cache options and source location are not in the fingerprint.
        var step = Step();
        step.Input = "{{ context.user }} {{ input }}";
        step.Fallback = "other";
        step.Cache = new CacheOptions { Ttl = TimeSpan.FromHours(1) };
        step.Location = new SourceLocation("p.yaml", 3, 5);

        Assert.Equal(StepCacheKey.Compute(Step(), Input), StepCacheKey.Compute(step, Input));
    }
}

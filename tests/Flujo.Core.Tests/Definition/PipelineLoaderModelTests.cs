using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Definition.Loading;

namespace Flujo.Core.Tests.Definition;

public class PipelineLoaderModelTests
{
    private const string FullYaml = """
        name: support-triage
        version: 2
        description: Sorts support tickets
        defaultInput:
          ticket: "My invoice is wrong"
          priority: 3
        inputSchema:
          type: object
          required: [ticket]
        context:
          initial:
            team: billing
            seen: 0
            tags: []
          schema:
            type: object
            properties:
              team: { type: string }
              seen: { type: integer }
        limits:
          totalCostUsd: 1.2
          totalTokens: 1000
        steps:
          - name: classify
            kind: agent
            agent: keyword_classifier
            params:
              categories: [billing, bug]
              threshold: 0.5
              strict: true
              note: null
              quoted: "42"
            input: "{{ input.ticket }}"
            maxRetries: 2
            retry: { delay: 500ms, backoffCoefficient: 1.5, maxDelay: 10s }
            timeout: 5s
            processors:
              prompt: [trim, { name: add_prefix, params: { prefix: "Q: " } }]
              output: [strip_markdown_fences, parse_json]
            plugins:
              - max_length
              - { name: required_keys, priority: 10, params: { keys: [a, b] } }
            validators:
              - not_empty
              - { name: json_schema, params: { schema: { type: object } } }
            fallback: backup
            updatesContext: true
            preserveFallbackDiagnostics: true
            cache: { enabled: true, ttl: 1h }
          - name: answer
            agent:
              name: template
              params: { template: "Category: {{ previous }}" }
            fallback:
              name: inline-answer
              agent: echo
              cache: true
        fallbacks:
          - name: backup
            agent: template
            params: { template: needs review }
        """;

    [Fact]
    public void A_full_file_loads_every_field_into_the_model()
    {
        var pipeline = PipelineLoader.Load(FullYaml, "triage.yaml", TestCatalog.Create());

        Assert.Equal("support-triage", pipeline.Name);
        Assert.Equal("2", pipeline.Version);
        Assert.Equal("Sorts support tickets", pipeline.Description);
        Assert.Equal("triage.yaml", pipeline.SourceFile);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"ticket":"My invoice is wrong","priority":3}"""), pipeline.DefaultInput));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"object","required":["ticket"]}"""), pipeline.InputSchema));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"team":"billing","seen":0,"tags":[]}"""), pipeline.InitialContext));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"type":"object","properties":{"team":{"type":"string"},"seen":{"type":"integer"}}}"""), pipeline.ContextSchema));
        Assert.Equal(1.2m, pipeline.Limits!.TotalCostUsdLimit);
        Assert.Equal(1000L, pipeline.Limits.TotalTokensLimit);

        Assert.Equal(["classify", "answer"], pipeline.Steps.Select(s => s.Name));
        Assert.Equal(["backup", "inline-answer"], pipeline.Fallbacks.Select(s => s.Name));

        var classify = Assert.IsType<AgentStepDefinition>(pipeline.Steps[0]);
        Assert.Equal("agent", classify.StepKind);
        Assert.Equal("keyword_classifier", classify.Agent.Name);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"categories":["billing","bug"],"threshold":0.5,"strict":true,"note":null,"quoted":"42"}"""),
            classify.Agent.Parameters));
        Assert.Equal("{{ input.ticket }}", classify.Input);
        Assert.Equal(2, classify.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(500), classify.Retry.Delay);
        Assert.Equal(1.5, classify.Retry.BackoffCoefficient);
        Assert.Equal(TimeSpan.FromSeconds(10), classify.Retry.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), classify.Timeout);
        Assert.Equal(["trim", "add_prefix"], classify.PromptProcessors.Select(p => p.Name));
        Assert.Empty(classify.PromptProcessors[0].Parameters);
        Assert.Equal("Q: ", (string?)classify.PromptProcessors[1].Parameters["prefix"]);
        Assert.Equal(["strip_markdown_fences", "parse_json"], classify.OutputProcessors.Select(p => p.Name));
        Assert.Equal(["max_length", "required_keys"], classify.Plugins.Select(p => p.Name));
        Assert.Equal([0, 10], classify.Plugins.Select(p => p.Priority));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"keys":["a","b"]}"""), classify.Plugins[1].Parameters));
        Assert.Equal(["not_empty", "json_schema"], classify.Validators.Select(v => v.Name));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"schema":{"type":"object"}}"""), classify.Validators[1].Parameters));
        Assert.Equal("backup", classify.Fallback);
        Assert.True(classify.UpdatesContext);
        Assert.True(classify.PreserveFallbackDiagnostics);
        Assert.NotNull(classify.Cache);
        Assert.True(classify.Cache.Enabled);
        Assert.Equal(TimeSpan.FromHours(1), classify.Cache.Ttl);

        var answer = Assert.IsType<AgentStepDefinition>(pipeline.Steps[1]);
        Assert.Equal("template", answer.Agent.Name);
        Assert.Equal("Category: {{ previous }}", (string?)answer.Agent.Parameters["template"]);
        Assert.Null(answer.Input);
        Assert.Equal(1, answer.MaxRetries);
        Assert.Null(answer.Timeout);
        Assert.Null(answer.Cache);
        Assert.False(answer.UpdatesContext);
        Assert.Equal("inline-answer", answer.Fallback);

        var backup = Assert.IsType<AgentStepDefinition>(pipeline.FindStep("backup"));
        Assert.Equal("template", backup.Agent.Name);
        Assert.Equal("needs review", (string?)backup.Agent.Parameters["template"]);

        var inline = Assert.IsType<AgentStepDefinition>(pipeline.FindStep("inline-answer"));
        Assert.Equal("echo", inline.Agent.Name);
        Assert.True(inline.Cache!.Enabled);
        Assert.Null(inline.Cache.Ttl);
    }

    [Fact]
    public void Loaded_elements_carry_their_file_line_and_column()
    {
        var pipeline = PipelineLoader.Load(FullYaml, "triage.yaml", TestCatalog.Create());
        var classify = (AgentStepDefinition)pipeline.Steps[0];

        Assert.Equal(new SourceLocation("triage.yaml", 24, 5), classify.Location);
        Assert.Equal(new SourceLocation("triage.yaml", 26, 12), classify.Agent.Location);
        Assert.Equal(new SourceLocation("triage.yaml", 38, 16), classify.PromptProcessors[0].Location);
        Assert.Equal(new SourceLocation("triage.yaml", 38, 30), classify.PromptProcessors[1].Location);
        Assert.Equal(new SourceLocation("triage.yaml", 42, 17), classify.Plugins[1].Location);
        Assert.Equal(new SourceLocation("triage.yaml", 55, 7), pipeline.FindStep("inline-answer")!.Location);
        Assert.Equal(new SourceLocation("triage.yaml", 59, 5), pipeline.FindStep("backup")!.Location);
    }

    [Fact]
    public void Omitted_optional_fields_take_the_model_defaults()
    {
        var pipeline = PipelineLoader.Load("""
            name: minimal
            steps:
              - name: only
                agent: echo
            """);

        Assert.Equal("1", pipeline.Version);
        Assert.Null(pipeline.Description);
        Assert.Null(pipeline.DefaultInput);
        Assert.Null(pipeline.InitialContext);
        Assert.Null(pipeline.ContextSchema);
        Assert.Null(pipeline.InputSchema);
        Assert.Null(pipeline.Limits);
        Assert.Null(pipeline.SourceFile);
        Assert.Empty(pipeline.Fallbacks);
        var step = Assert.IsType<AgentStepDefinition>(Assert.Single(pipeline.Steps));
        Assert.Equal(1, step.MaxRetries);
        Assert.Equal(TimeSpan.Zero, step.Retry.Delay);
        Assert.Equal(2.0, step.Retry.BackoffCoefficient);
        Assert.Equal(TimeSpan.FromMinutes(5), step.Retry.MaxDelay);
        Assert.Empty(step.Agent.Parameters);
        Assert.Empty(step.PromptProcessors);
        Assert.Empty(step.OutputProcessors);
        Assert.Empty(step.Plugins);
        Assert.Empty(step.Validators);
        Assert.Null(step.Fallback);
        Assert.Null(step.Cache);
        Assert.False(step.PreserveFallbackDiagnostics);
    }

    [Fact]
    public void Json_text_loads_into_the_same_model_as_yaml()
    {
        const string json = """
            {
              "name": "support-triage",
              "version": "2",
              "defaultInput": {"ticket": "My invoice is wrong", "priority": 3},
              "context": {"initial": {"team": "billing"}, "schema": {"type": "object"}},
              "limits": {"totalCostUsd": 1.2, "totalTokens": 1000},
              "steps": [
                {
            	  "name": "classify",
                  "agent": {"name": "keyword_classifier", "params": {"categories": ["billing", "bug"], "threshold": 0.5, "strict": true, "none": null}},
                  "input": "{{ input.ticket }}",
                  "maxRetries": 2,
                  "retry": {"delay": "500ms", "backoffCoefficient": 1.5, "maxDelay": 10},
                  "timeout": "00:00:05",
                  "processors": {"prompt": ["trim"], "output": [{"name": "parse_json"}]},
                  "plugins": [{"name": "required_keys", "priority": 10, "params": {"keys": ["a", "b"]}}],
                  "validators": ["not_empty"],
                  "fallback": "backup",
                  "updatesContext": true,
                  "cache": {"enabled": true, "ttl": "1h"}
                }
              ],
              "fallbacks": [{"name": "backup", "agent": "template", "params": {"template": "needs \/ review \u00e9"}}]
            }
            """;
        const string yaml = """
            name: support-triage
            version: "2"
            defaultInput: { ticket: My invoice is wrong, priority: 3 }
            context:
              initial: { team: billing }
              schema: { type: object }
            limits: { totalCostUsd: 1.2, totalTokens: 1000 }
            steps:
              - name: classify
                agent: keyword_classifier
                params: { categories: [billing, bug], threshold: 0.5, strict: true, none: ~ }
                input: "{{ input.ticket }}"
                maxRetries: 2
                retry: { delay: 0.5, backoffCoefficient: 1.5, maxDelay: 10s }
                timeout: 5s
                processors: { prompt: [trim], output: [parse_json] }
                plugins: [{ name: required_keys, priority: 10, params: { keys: [a, b] } }]
                validators: [not_empty]
                fallback: backup
                updatesContext: true
                cache: { ttl: 60m }
            fallbacks:
              - name: backup
                agent: template
                params: { template: needs / review é }
            """;

        var fromJson = PipelineLoader.Load(json, "triage.json", TestCatalog.Create());
        var fromYaml = PipelineLoader.Load(yaml, "triage.yaml", TestCatalog.Create());

        Assert.Equal(Serialize(fromYaml), Serialize(fromJson));
        Assert.Equal(new SourceLocation("triage.json", 8, 5), fromJson.Steps[0].Location);
    }

    private static string Serialize(PipelineDefinition pipeline) =>
        System.Text.Json.JsonSerializer.Serialize(pipeline, new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("2s", 2_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("3", 3_000)]
    [InlineData("0.25", 250)]
    [InlineData("\"00:00:02\"", 2_000)]
    [InlineData("00:01:00", 60_000)]
    public void Durations_accept_units_plain_seconds_and_timespan_text(string written, int expectedMs)
    {
        var pipeline = PipelineLoader.Load($"""
            name: p
            steps:
              - name: s
                agent: echo
                timeout: {written}
            """);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), ((AgentStepDefinition)pipeline.Steps[0]).Timeout);
    }

    [Fact]
    public void Plain_scalars_follow_the_yaml_core_schema_and_quoted_ones_stay_text()
    {
        var pipeline = PipelineLoader.Load("""
            name: p
            defaultInput:
              int: 12
              negative: -3
              hex: 0x1F
              float: 1.5e3
              yes: true
              no: False
              nothing: ~
              empty:
              quotedInt: "12"
              quotedBool: 'true'
              word: yes
              forcedText: !!str 7
              version: 1.10
            steps:
              - name: s
                agent: echo
            """);

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""
                {"int":12,"negative":-3,"hex":31,"float":1500,"yes":true,"no":false,"nothing":null,"empty":null,
                 "quotedInt":"12","quotedBool":"true","word":"yes","forcedText":"7","version":1.10}
                """),
            pipeline.DefaultInput));
    }

    [Fact]
    public void A_numeric_version_is_kept_as_written()
    {
        var pipeline = PipelineLoader.Load("""
            name: p
            version: 1.10
            steps: [{ name: s, agent: echo }]
            """);

        Assert.Equal("1.10", pipeline.Version);
    }

    [Fact]
    public void A_scalar_default_input_is_kept()
    {
        var pipeline = PipelineLoader.Load("""
            name: p
            defaultInput: "some text"
            steps: [{ name: s, agent: echo }]
            """);

        Assert.Equal("some text", (string?)pipeline.DefaultInput);
    }

    [Fact]
    public void Cache_false_means_no_caching_and_the_mapping_form_keeps_enabled_false()
    {
        var pipeline = PipelineLoader.Load("""
            name: p
            steps:
              - { name: a, agent: echo, cache: false }
              - { name: b, agent: echo, cache: { enabled: false, ttl: 2h } }
            """);

        Assert.Null(pipeline.Steps[0].Cache);
        Assert.False(pipeline.Steps[1].Cache!.Enabled);
        Assert.Equal(TimeSpan.FromHours(2), pipeline.Steps[1].Cache!.Ttl);
    }

    [Fact]
    public void A_single_processor_name_is_a_one_item_list()
    {
        var pipeline = PipelineLoader.Load("""
            name: p
            steps:
              - name: a
                agent: echo
                processors: { prompt: trim }
                validators: not_empty
            """);

        var step = (AgentStepDefinition)pipeline.Steps[0];
        Assert.Equal("trim", Assert.Single(step.PromptProcessors).Name);
        Assert.Equal("not_empty", Assert.Single(step.Validators).Name);
    }

    [Fact]
    public void Anchors_and_aliases_copy_values()
    {
        var pipeline = PipelineLoader.Load("""
            name: p
            steps:
              - name: a
                agent: echo
                params: &shared { mode: strict, limit: 3 }
              - name: b
                agent: echo
                params: *shared
            """);

        var a = (AgentStepDefinition)pipeline.Steps[0];
        var b = (AgentStepDefinition)pipeline.Steps[1];
        Assert.True(JsonNode.DeepEquals(a.Agent.Parameters, b.Agent.Parameters));
        Assert.NotSame(a.Agent.Parameters, b.Agent.Parameters);
    }

    [Fact]
    public void A_file_loads_from_disk_and_keeps_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"flujo-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "name: from-disk\nsteps:\n  - name: s\n    agent: echo\n");
        try
        {
            var pipeline = PipelineLoader.LoadFile(path, TestCatalog.Create());

            Assert.Equal("from-disk", pipeline.Name);
            Assert.Equal(path, pipeline.SourceFile);
            Assert.Equal(new SourceLocation(path, 3, 5), pipeline.Steps[0].Location);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TryLoad_returns_the_pipeline_and_no_errors_for_a_valid_file()
    {
        var ok = PipelineLoader.TryLoad("name: p\nsteps: [{ name: s, agent: echo }]\n", "p.yaml", null, out var pipeline, out var errors);

        Assert.True(ok);
        Assert.NotNull(pipeline);
        Assert.Empty(errors);
    }

    [Fact]
    public void A_pipeline_loaded_twice_with_the_same_schema_id_loads_both_times()
    {
        const string yaml = """
            name: p
            context:
              schema: { $id: "https://example.com/ctx", type: object }
              initial: { a: 1 }
            steps: [{ name: s, agent: echo }]
            """;

        PipelineLoader.Load(yaml);
        var again = PipelineLoader.Load(yaml);

        Assert.Equal("p", again.Name);
    }
}

using Flujo.Expressions;
using Flujo.Json;
using Flujo.Registration;
using Flujo.Templates;

namespace Flujo.Definition.Validation;

/// <summary>Checks of the control-flow step kinds: their nested scopes, expressions, functions and options.</summary>
public static partial class PipelineValidator
{
    private sealed partial class Checker
    {
        private void CheckControlFlowStep(StepDefinition step, string path)
        {
            switch (step)
            {
                case ConditionalStepDefinition conditional:
                    CheckChoice(step, path, "condition", conditional.Condition, "conditionFunction", conditional.ConditionFunction,
                        "an expression giving the branch key");
                    CheckBranches(step, path, conditional.Branches);
                    if (conditional.Default is { } defaultSteps)
                    {
                        if (defaultSteps.Count == 0 && !Reported(step, "default"))
                            Add("default: a default branch needs at least one step", Where(step, "default", step.Location), path);
                        AddNestedScope(step, "default", $"{path}/default", defaultSteps);
                    }
                    break;

                case LoopStepDefinition loop:
                    CheckBody(step, path, loop.Body, "a loop");
                    CheckChoice(step, path, "exitCondition", loop.ExitCondition, "exitFunction", loop.ExitFunction,
                        "an expression that ends the loop when true");
                    if (loop.MaxLoops < 1)
                        Add($"maxLoops: expected an integer >= 1, got {loop.MaxLoops}", Where(step, "maxLoops", step.Location), path);
                    CheckExpression(step, path, "iterationInput", loop.IterationInput);
                    CheckExpression(step, path, "output", loop.Output);
                    break;

                case MapStepDefinition mapStep:
                    CheckExpression(step, path, "items", mapStep.Items);
                    CheckBody(step, path, mapStep.Body, "a map");
                    if (mapStep.MaxParallelism is < 1)
                        Add($"maxParallelism: expected an integer >= 1, got {mapStep.MaxParallelism}", Where(step, "maxParallelism", step.Location), path);
                    break;

                case ParallelStepDefinition parallel:
                    CheckBranches(step, path, parallel.Branches);
                    break;

                case RouterStepDefinition router:
                    if (router.Router is null)
                    {
                        if (!Reported(step, "router")) Add("Missing required field 'router'", step.Location, path);
                    }
                    else if (!Reported(step, "router"))
                    {
                        var agent = router.Router;
                        var agentPath = $"{path}/{(string.IsNullOrWhiteSpace(agent.Name) ? "router" : agent.Name)}";
                        if (agent.Input is { } template && TemplateRenderer.TryParse(template) is { } parseError)
                            Add($"input: the template does not parse: {FirstLine(parseError)}", Where(agent, "input", agent.Location), agentPath);
                        CheckAgentStep(agent, agentPath);
                    }
                    CheckBranches(step, path, router.Branches);
                    break;

                case HumanStepDefinition human:
                    CheckHuman(human, path);
                    break;

                case PipelineStepDefinition sub:
                    if (string.IsNullOrWhiteSpace(sub.Pipeline) && sub.Definition is null && !Reported(step, "pipeline"))
                        Add("Missing required field 'pipeline' (the name of the pipeline to run)", Where(step, "pipeline", step.Location), path);
                    break;
            }
        }

        private void CheckBody(StepDefinition step, string path, List<StepDefinition>? body, string what)
        {
            if ((body is null || body.Count == 0) && !Reported(step, "body"))
                Add($"body: {what} needs at least one step", Where(step, "body", step.Location), path);
            AddNestedScope(step, "body", $"{path}/body", body);
        }

        private void CheckBranches(StepDefinition step, string path, List<StepBranch>? branches)
        {
            if ((branches is null || branches.Count == 0) && !Reported(step, "branches"))
                Add($"branches: a {step.StepKind} step needs at least one branch", Where(step, "branches", step.Location), path);
            if (branches is null) return;
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var branch in branches)
            {
                if (branch is null) continue;
                var at = branch.Location ?? Where(step, "branches", step.Location);
                if (string.IsNullOrWhiteSpace(branch.Key))
                {
                    Add("branches: a branch needs a name", at, path);
                    continue;
                }
                if (!keys.Add(branch.Key))
                {
                    Add($"branches: duplicate branch '{branch.Key}'", at, path);
                    continue;
                }
                if ((branch.Steps is null || branch.Steps.Count == 0) && !Reported(branch, "steps"))
                    Add($"branches.{branch.Key}: a branch needs at least one step", at, path);
                AddNestedScope(step, "branches", $"{path}/branches.{branch.Key}", branch.Steps);
            }
        }

        /// <summary>Exactly one of an expression and a registered function (conditional: condition; loop: exit).</summary>
        private void CheckChoice(StepDefinition step, string path, string expressionField, string? expression, string functionField, string? function, string what)
        {
            var hasExpression = expression is not null;
            var hasFunction = !string.IsNullOrWhiteSpace(function);
            if (!hasExpression && !hasFunction)
            {
                if (!Reported(step, expressionField) && !Reported(step, functionField))
                    Add($"Missing required field '{expressionField}' ({what}) or '{functionField}' (a registered function)", step.Location, path);
                return;
            }
            if (hasExpression && hasFunction)
            {
                Add($"{expressionField} and {functionField}: give only one of them", Where(step, functionField, step.Location), path);
                return;
            }
            if (hasExpression) CheckExpression(step, path, expressionField, expression);
            else CheckComponent(ComponentKind.Function, function!, Where(step, functionField, step.Location), path);
        }

        /// <summary>An expression is parsed when loaded, so a typo is reported with its place instead of failing a run.</summary>
        private void CheckExpression(StepDefinition step, string path, string field, string? expression)
        {
            if (expression is null || Reported(step, field)) return;
            if (ExpressionEvaluator.TryParse(expression) is { } error)
                Add($"{field}: the expression does not parse: {FirstLine(error)}", Where(step, field, step.Location), path);
        }

        private void CheckHuman(HumanStepDefinition step, string path)
        {
            if (step.Message is { } message && TemplateRenderer.TryParse(message) is { } parseError)
                Add($"message: the template does not parse: {FirstLine(parseError)}", Where(step, "message", step.Location), path);
            if (step.Timeout is { } timeout && timeout <= TimeSpan.Zero)
                Add($"timeout: expected a duration > 0, got {timeout}", Where(step, "timeout", step.Location), path);

            CompiledJsonSchema? schema = null;
            if (step.Schema is { } schemaNode)
            {
                schema = CompiledJsonSchema.TryCompile(schemaNode, out var error);
                if (schema is null) Add($"schema: not a valid JSON Schema: {error}", Where(step, "schema", step.Location), path);
            }
            if (!step.HasDefault) return;
            if (step.Timeout is null)
                Add("default: the default answer is taken only when the timeout passes; add 'timeout' or remove 'default'", Where(step, "default", step.Location), path);
            if (schema?.Validate(step.DefaultValue) is { } defaultErrors)
                Add($"default does not match schema: {defaultErrors}", Where(step, "default", step.Location), path);
        }
    }
}

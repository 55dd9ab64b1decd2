using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Flujo.Agents;
using Flujo.Results;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Execution.Recording;

/// <summary>
/// Makes an attempt call pay its agent at most once (SEMANTICS §9), beyond the engine's at-least-once activities. Per
/// attempt call (<see cref="AttemptKey"/>) it records, each write durable before the next thing happens:
/// <list type="number">
/// <item>a started call, just before the agent is called (for a step without prompt processors, when the attempt starts:
/// one create-if-absent write, <see cref="IAttemptOutcomeStore.TryCreateAsync"/>);</item>
/// <item>the agent's response, as soon as the agent returns (only when output processors, plugins or validators run
/// after it: otherwise the outcome follows at once);</item>
/// <item>the attempt's outcome, before the activity returns.</item>
/// </list>
/// A first delivery of a plain agent step therefore makes two storage calls (create, outcome); it made four before
/// 2026-11-29 (read, started, response, outcome).
/// A redelivered attempt that finds an outcome returns it and runs nothing; one that finds a response runs the rest of the
/// attempt (processors, plugins, validators) on it without calling the agent. Started calls without a response were cut
/// off by a dying worker: the agent is called again, and the cut-off calls are counted in the outcome
/// (<see cref="AttemptOutcome.InterruptedCalls"/>), each charged what the call that replaced it cost, since an agent
/// reports its cost only when it returns. A storage failure is logged and the attempt goes on unrecorded (the engine's
/// at-least-once guarantee still holds): it never fails a step.
/// </summary>
public sealed class AttemptRecorder
{
    private readonly IAttemptOutcomeStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AttemptRecorder(IAttemptOutcomeStore store, TimeProvider? time = null, ILogger? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Runs <paramref name="request"/> through <paramref name="execute"/> (which passes the journal it is given to
    /// <see cref="StepAttemptExecutor.ExecuteAsync(StepAttemptRequest, IAgentCallJournal?, CancellationToken)"/>), or
    /// answers it from its record. A request without a call id runs unrecorded.
    /// </summary>
    public async Task<RecordedOutcome> ExecuteAsync(StepAttemptRequest request, Func<IAgentCallJournal?, Task<AttemptOutcome>> execute, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(execute);
        if (AttemptKey.For(request) is not { } key) return new(await execute(null), false);
        var step = request.Step;

        // Two live deliveries of one attempt call in this process (after a worker restart, Azure Storage can deliver an
        // attempt twice, milliseconds apart, to the new worker): the later one waits for the first and answers from its
        // outcome, so the agent is called once. Deliveries on different workers are not covered (docs/engine.md).
        var inFlight = InFlight.GetValue(_store, _ => new ConcurrentDictionary<AttemptKey, Task<AttemptOutcome>>());
        var mine = new TaskCompletionSource<AttemptOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = inFlight.GetOrAdd(key, mine.Task);
        if (running != mine.Task)
        {
            _logger.LogInformation("Attempt {Key} is already running in this process: this delivery waits for its outcome, no agent called", key);
            try
            {
                return new(await running.WaitAsync(cancellationToken), true);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The first delivery failed without an outcome: this one runs the attempt from its record.
                return await ExecuteRecordedAsync(key, step, execute, cancellationToken);
            }
        }

        try
        {
            var result = await ExecuteRecordedAsync(key, step, execute, cancellationToken);
            mine.SetResult(result.Outcome);
            return result;
        }
        catch (Exception ex)
        {
            mine.SetException(ex);
            _ = mine.Task.Exception; // observed here: a failure nobody waited for is not an unobserved task exception
            throw;
        }
        finally
        {
            inFlight.TryRemove(new KeyValuePair<AttemptKey, Task<AttemptOutcome>>(key, mine.Task));
        }
    }

    // Attempt calls running now in this process, per store (a store is one durable record space).
    private static readonly ConditionalWeakTable<IAttemptOutcomeStore, ConcurrentDictionary<AttemptKey, Task<AttemptOutcome>>> InFlight = new();

    private async Task<RecordedOutcome> ExecuteRecordedAsync(AttemptKey key, Definition.AgentStepDefinition step, Func<IAgentCallJournal?, Task<AttemptOutcome>> execute, CancellationToken cancellationToken)
    {
        AttemptRecord? record;
        var startedRecorded = false;
        try
        {
            if (step.PromptProcessors.Count == 0)
            {
                // Nothing runs before the agent call, so the started call is recorded at once, with one create-if-absent
                // write that also finds an earlier delivery's record: a first delivery (nearly every one) makes one
                // storage call here instead of a read and a write.
                var started = new AttemptRecord { Key = key.ToString(), StartedCalls = 1, UpdatedAt = _time.GetUtcNow() };
                startedRecorded = await _store.TryCreateAsync(key, started, cancellationToken);
                record = startedRecorded ? started : await _store.GetAsync(key, cancellationToken);
            }
            else
            {
                record = await _store.GetAsync(key, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Attempt {Key}: its record could not be read; the attempt runs unrecorded", key);
            return new(await execute(null), false);
        }

        if (record?.Outcome is { } stored)
        {
            _logger.LogInformation("Attempt {Key} was delivered again: answered from its recorded outcome, no agent called", key);
            return new(stored, true);
        }

        record ??= new AttemptRecord { Key = key.ToString() };
        var journal = new Journal(this, key, record, startedRecorded, RunsAfterAgent(step));
        var outcome = await execute(journal);

        // A started call recorded up front for an attempt that ended before its agent call (it failed first) never happened.
        if (journal.StartedCallUnused) record.StartedCalls--;
        // Every call started for this attempt except the one whose result the outcome carries was cut off.
        var interrupted = record.StartedCalls - (journal.ReachedAgent ? 1 : 0);
        if (interrupted > 0)
        {
            _logger.LogWarning("Attempt {Key}: {Count} earlier agent call(s) were cut off before their outcome was recorded; counted in the attempt", key, interrupted);
            outcome = WithInterruptedCalls(outcome, interrupted);
        }

        record.Outcome = outcome;
        await WriteAsync(key, record, "outcome", cancellationToken);
        return new(outcome, false);
    }

    /// <summary>
    /// The outcome with <paramref name="interrupted"/> cut-off calls counted: each is charged this outcome's own tokens and
    /// cost (same agent, same input: exact for an agent with a fixed price per call, an estimate for a model).
    /// </summary>
    public static AttemptOutcome WithInterruptedCalls(AttemptOutcome outcome, int interrupted)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentOutOfRangeException.ThrowIfNegative(interrupted);
        var extraCost = outcome.CostUsd * interrupted;
        var extraTokens = new TokenUsage(outcome.Tokens.Prompt * interrupted, outcome.Tokens.Completion * interrupted);
        return new AttemptOutcome
        {
            Status = outcome.Status,
            Output = outcome.Output,
            Feedback = outcome.Feedback,
            RetryFeedback = outcome.RetryFeedback,
            Tokens = outcome.Tokens + extraTokens,
            CostUsd = outcome.CostUsd + extraCost,
            CannotHeal = outcome.CannotHeal,
            RetryAfter = outcome.RetryAfter,
            Metadata = outcome.Metadata,
            InterruptedCalls = outcome.InterruptedCalls + interrupted,
            InterruptedCostUsd = outcome.InterruptedCostUsd + extraCost,
        };
    }

    private async Task WriteAsync(AttemptKey key, AttemptRecord record, string what, CancellationToken cancellationToken)
    {
        record.UpdatedAt = _time.GetUtcNow();
        try
        {
            await _store.SetAsync(key, record, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Attempt {Key}: its {What} could not be recorded; a redelivery would call the agent again", key, what);
        }
    }

    /// <summary>
    /// Whether anything of the attempt runs between the agent's return and its outcome (output processors, plugins,
    /// validators). When nothing does, the outcome is written right after the agent returns, so a separate response write
    /// would close no crash window: it is skipped.
    /// </summary>
    private static bool RunsAfterAgent(Definition.AgentStepDefinition step) =>
        step.OutputProcessors.Count > 0 || step.Plugins.Count > 0 || step.Validators.Count > 0;

    /// <param name="startedRecorded">This delivery's started call is already in the record (written when it was created).</param>
    /// <param name="recordsResponse">Whether the agent's response is recorded before the rest of the attempt runs.</param>
    private sealed class Journal(AttemptRecorder recorder, AttemptKey key, AttemptRecord record, bool startedRecorded, bool recordsResponse) : IAgentCallJournal
    {
        /// <summary>Whether this delivery got as far as the agent call (made, or answered from the recorded response).</summary>
        public bool ReachedAgent { get; private set; }

        /// <summary>This delivery's started call was recorded up front and the agent was never called.</summary>
        public bool StartedCallUnused => startedRecorded;

        public async Task<AgentResponse?> BeforeAgentCallAsync(CancellationToken cancellationToken)
        {
            ReachedAgent = true;
            if (record.Response is { } response)
            {
                recorder._logger.LogInformation("Attempt {Key} was delivered again after its agent call returned: the recorded response is used, no agent called", key);
                return response;
            }
            if (startedRecorded)
            {
                startedRecorded = false;
                return null;
            }
            record.StartedCalls++;
            await recorder.WriteAsync(key, record, "started call", cancellationToken);
            return null;
        }

        public Task AfterAgentCallAsync(AgentResponse response, CancellationToken cancellationToken)
        {
            record.Response = response;
            return recordsResponse ? recorder.WriteAsync(key, record, "agent response", cancellationToken) : Task.CompletedTask;
        }
    }
}

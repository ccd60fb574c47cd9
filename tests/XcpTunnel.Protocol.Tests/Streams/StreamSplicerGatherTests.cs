using XcpTunnel.Protocol.Streams;
using XcpTunnel.Protocol.Tests.Support;

namespace XcpTunnel.Protocol.Tests.Streams;

/// <summary>
/// TLS hands over one 16 KiB record per read; the splice gathers records that are already there into one
/// write, and keeps its buffer while a read that did not complete at once is still filling it.
/// </summary>
public sealed class StreamSplicerGatherTests
{
    private const int Record = 16 * 1024;
    private static readonly SpliceOptions Options = new() { BufferSize = 4 * Record };

    [Fact]
    public async Task RecordsAlreadyThere_GoOutInOneWrite_IntactAndInOrder()
    {
        var data = Pattern(5 * Record);
        var console = new ScriptedConsole([Slice(data, 0), Slice(data, 1), Slice(data, 2), Slice(data, 3), Slice(data, 4)]);
        var viewer = new CapturingViewer();

        var result = await StreamSplicer.SpliceAsync(viewer, console, Options, CancellationToken.None).WaitAsync(SpliceRig.Timeout);

        Assert.Equal([4 * Record, Record], viewer.WriteSizes);
        Assert.Equal(data, viewer.Written);
        Assert.Equal(data.Length, result.ConsoleToViewerBytes);
    }

    [Fact]
    public async Task RecordNotThereYet_WhatWasGatheredGoesFirst_ThenTheLateRecord()
    {
        var data = Pattern(2 * Record);
        var late = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var console = new ScriptedConsole([Slice(data, 0), Slice(data, 1, late.Task)]);
        var viewer = new CapturingViewer();

        var splice = StreamSplicer.SpliceAsync(viewer, console, Options, CancellationToken.None);
        await viewer.FirstWrite.WaitAsync(SpliceRig.Timeout);
        Assert.Equal([Record], viewer.WriteSizes);
        late.SetResult();
        var result = await splice.WaitAsync(SpliceRig.Timeout);

        Assert.Equal([Record, Record], viewer.WriteSizes);
        Assert.Equal(data, viewer.Written);
        Assert.Equal(data.Length, result.ConsoleToViewerBytes);
    }

    [Fact]
    public async Task WriteFailsWhileAReadIsPending_SpliceEndsOnlyAfterThatReadEnded()
    {
        var data = Pattern(2 * Record);
        var never = new TaskCompletionSource();
        var console = new ScriptedConsole([Slice(data, 0), Slice(data, 1, never.Task)]);
        var viewer = new CapturingViewer { FailWrites = true };

        var result = await StreamSplicer.SpliceAsync(viewer, console, Options, CancellationToken.None).WaitAsync(SpliceRig.Timeout);

        Assert.Equal(SpliceOutcome.ViewerFailed, result.Outcome);
        // The pending read was cancelled and had ended before the buffer it was filling went back to the pool.
        Assert.True(console.PendingReadEndedBeforeReturn);
    }

    private static byte[] Pattern(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7 + (i >> 10)))];

    private static ScriptedConsole.Step Slice(byte[] data, int record, Task? arrival = null) =>
        new(data.AsMemory(record * Record, Record), arrival);

    /// <summary>A console side whose reads return one scripted record each, some only once their arrival task completes; then EOF.</summary>
    private sealed class ScriptedConsole(IReadOnlyList<ScriptedConsole.Step> steps) : DuplexTestStream
    {
        private int _next;
        private volatile bool _pendingEnded = true;

        public sealed record Step(ReadOnlyMemory<byte> Bytes, Task? Arrival);

        /// <summary>Whether every read that had to wait had ended by the time the splice returned.</summary>
        public bool PendingReadEndedBeforeReturn => _pendingEnded;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty || _next == steps.Count)
            {
                return ValueTask.FromResult(0);
            }

            var step = steps[_next++];
            return step.Arrival is null or { IsCompleted: true }
                ? ValueTask.FromResult(Copy(step, buffer))
                : new ValueTask<int>(WaitThenCopyAsync(step, buffer, cancellationToken));
        }

        /// <summary>What the viewer sends; this test has it send nothing.</summary>
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        private static int Copy(Step step, Memory<byte> buffer)
        {
            step.Bytes.CopyTo(buffer);
            return step.Bytes.Length;
        }

        private async Task<int> WaitThenCopyAsync(Step step, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            _pendingEnded = false;
            try
            {
                await step.Arrival!.WaitAsync(cancellationToken);
                return Copy(step, buffer);
            }
            catch (OperationCanceledException)
            {
                // Like a socket read that takes a moment to notice: a splice that did not wait would return first.
                await Task.Delay(200, CancellationToken.None);
                throw;
            }
            finally
            {
                _pendingEnded = true;
            }
        }
    }

    /// <summary>A viewer that sent nothing (its reads are EOF) and records, or fails, what is written to it.</summary>
    private sealed class CapturingViewer : DuplexTestStream
    {
        private readonly List<byte> _written = [];
        private readonly List<int> _writeSizes = [];
        private readonly TaskCompletionSource _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool FailWrites { get; init; }

        public Task FirstWrite => _firstWrite.Task;

        public byte[] Written
        {
            get
            {
                lock (_written)
                {
                    return [.. _written];
                }
            }
        }

        public int[] WriteSizes
        {
            get
            {
                lock (_written)
                {
                    return [.. _writeSizes];
                }
            }
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(0);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (FailWrites)
            {
                throw new IOException("viewer went away");
            }

            lock (_written)
            {
                _written.AddRange(buffer.ToArray());
                _writeSizes.Add(buffer.Length);
            }

            _firstWrite.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>Runs peer programs: <see cref="Start"/> for servers that keep running, <see cref="RunAsync"/> for commands that finish.</summary>
internal static class Processes
{
    public static RunningProcess Start(ProcessSpec spec) => RunningProcess.Start(spec);

    /// <summary>Runs <paramref name="spec"/> to completion and returns its output.</summary>
    /// <exception cref="ProcessFailedException">It exited non-zero or ran past <paramref name="timeout"/> (then it is killed).</exception>
    public static async Task<ProcessResult> RunAsync(ProcessSpec spec, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = await RunToExitAsync(spec, timeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new ProcessFailedException(result.Describe($"exited with {result.ExitCode}"), result.CommandLine, result.ExitCode, timedOut: false);
        }

        return result;
    }

    /// <summary>Runs <paramref name="spec"/> to completion and returns its output and exit code, whatever that is.</summary>
    /// <exception cref="ProcessFailedException">It ran past <paramref name="timeout"/> (then it is killed).</exception>
    public static async Task<ProcessResult> RunToExitAsync(ProcessSpec spec, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var running = RunningProcess.Start(spec);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await running.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            using var killBound = new CancellationTokenSource(RunningProcess.StopGrace);
            await running.KillAsync(killBound.Token);
            throw new ProcessFailedException(
                running.Describe($"timed out after {timeout.TotalSeconds:0.#} s"), running.CommandLine, exitCode: null, timedOut: true);
        }

        return running.ToResult();
    }
}

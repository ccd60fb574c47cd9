namespace XcpTunnel.Protocol.Tests.Support;

/// <summary>
/// Every await in a test is bounded, so a hang fails one test instead of stalling the run. One helper for both test
/// projects (XcpTunnel.Tests compiles this file too); the bound suits a cold process under a loaded machine.
/// </summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(Default);

    public static Task Bounded(this Task task) => task.WaitAsync(Default);

    public static Task<T> Bounded<T>(this ValueTask<T> task) => task.AsTask().WaitAsync(Default);

    public static Task Bounded(this ValueTask task) => task.AsTask().WaitAsync(Default);

    /// <summary>A token that cancels after the default timeout: for calls whose own deadline is under test.</summary>
    public static CancellationToken Token() => new CancellationTokenSource(Default).Token;
}

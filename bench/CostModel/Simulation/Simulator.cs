using PullWorker.CostModel.Inputs;

namespace PullWorker.CostModel.Simulation;

/// <summary>
/// A discrete-event simulation of the deployment: jobs arrive in the subscription, the delayed backlog
/// metric drives the autoscaler, the MIG creates VMs that start up and then lease and ack jobs, Spot takes
/// VMs back (their unacked jobs return to the backlog) and the MIG recreates them. The only randomness is
/// the metric delay and the preemptions, both seeded.
/// </summary>
public sealed class Simulator
{
    /// <summary>A run that has not drained after this long has inputs that cannot drain it.</summary>
    private static readonly TimeSpan s_giveUpAfter = TimeSpan.FromDays(30);

    private readonly DeploymentInputs _inputs;
    private readonly IEnumerator<(double Seconds, int Jobs)> _arrivals;
    private readonly int _totalJobs;
    private readonly double? _periodEnd;
    private readonly IPreemptionSource _preemptions;
    private readonly MetricSamples _metric;
    private readonly Autoscaler _autoscaler;
    private readonly EventQueue _events = new();
    private readonly List<Vm> _vms = [];

    private double _now;
    private bool _allArrived;
    private long _backlog;
    private long _acked;
    private double? _drainedAt;
    private int _pendingRecreations;
    private int _nextVmId = 1;
    private double _billedSeconds;
    private int _peakVms;
    private int _preemptionCount;
    private long _returned;
    private long _deliveries;
    private double? _firstScaleOut;
    private long _sampleIndex;
    private long _tickIndex;

    private Simulator(DeploymentInputs inputs, ArrivalPattern arrivals, TimeSpan? period, IPreemptionSource preemptions)
    {
        _inputs = inputs;
        _arrivals = arrivals.Arrivals().GetEnumerator();
        _totalJobs = arrivals.TotalJobs;
        _periodEnd = period?.TotalSeconds;
        _preemptions = preemptions;
        _metric = new MetricSamples(inputs.MetricDelayMin, inputs.MetricDelayMax, new Random(inputs.Seed));
        _autoscaler = new Autoscaler(inputs.MinVms, inputs.MaxVms, inputs.BacklogPerVm, inputs.StabilizationPeriod);
    }

    /// <summary>
    /// Runs until every job is acked and then, without a <paramref name="period"/>, until the group is back at
    /// zero VMs; with one, until the period ends (VMs are billed up to then). A group with MinVms above 0
    /// never reaches zero, so it needs a period. Preemptions default to the inputs' seeded rate.
    /// </summary>
    public static SimulationResult Run(
        DeploymentInputs inputs, ArrivalPattern arrivals, TimeSpan? period = null, IPreemptionSource? preemptions = null)
    {
        inputs.Validate();
        if (inputs.MinVms > 0 && period is null)
        {
            throw new ArgumentException("A group with MinVms > 0 never scales to zero: give it a period.", nameof(period));
        }

        preemptions ??= new ExponentialPreemptions(inputs.PreemptionsPerVmHour, inputs.Seed + 1);
        return new Simulator(inputs, arrivals, period, preemptions).Run();
    }

    private SimulationResult Run()
    {
        ScheduleNextArrival();
        _events.Add(new SimulationEvent(_inputs.MetricSampleOffset.TotalSeconds, EventKind.MetricSample));
        _events.Add(new SimulationEvent(0, EventKind.AutoscalerTick));
        if (_periodEnd is { } end)
        {
            _events.Add(new SimulationEvent(end, EventKind.PeriodEnd));
        }

        if (_inputs.StartWarm)
        {
            for (var i = 0; i < _inputs.MinVms; i++)
            {
                CreateVm(ready: true);
            }
        }

        while (!IsFinished() && _events.TryNext(out var next))
        {
            _now = next.Seconds;
            if (_now > s_giveUpAfter.TotalSeconds)
            {
                throw new InvalidOperationException(
                    $"{_totalJobs - _acked} of {_totalJobs} jobs still unacked after {s_giveUpAfter.TotalDays} simulated days; check the throughput and MaxVms inputs.");
            }

            Handle(next);
        }

        foreach (var vm in _vms)
        {
            _billedSeconds += Billing.BilledSeconds(_now - vm.CreatedAt, preempted: false);
        }

        return new SimulationResult(
            _totalJobs,
            TimeSpan.FromSeconds(_drainedAt ?? 0),
            TimeSpan.FromSeconds(_now),
            _billedSeconds / 3600,
            _peakVms,
            _preemptionCount,
            _returned,
            _deliveries,
            _firstScaleOut is { } first ? TimeSpan.FromSeconds(first) : null);
    }

    private bool IsFinished() =>
        _drainedAt is not null && (_periodEnd is { } end ? _now >= end : _vms.Count == 0 && _pendingRecreations == 0);

    private void Handle(SimulationEvent item)
    {
        switch (item.Kind)
        {
            case EventKind.Arrival:
                _backlog += item.Jobs;
                ScheduleNextArrival();
                DispatchToIdleVms();
                break;
            case EventKind.VmReady when item.Vm!.IsAlive:
                item.Vm.IsReady = true;
                TryLease(item.Vm);
                break;
            case EventKind.ChunkDone when item.Vm!.IsAlive && item.Vm.Epoch == item.Epoch:
                Acknowledge(item.Vm.ChunkJobs);
                item.Vm.Finish();
                TryLease(item.Vm);
                break;
            case EventKind.Preemption when item.Vm!.IsAlive:
                _preemptionCount++;
                RemoveVm(item.Vm, preempted: true);
                _pendingRecreations++;
                _events.Add(new SimulationEvent(_now + _inputs.RecreateDelay.TotalSeconds, EventKind.Recreate));
                break;
            case EventKind.Recreate:
                _pendingRecreations--;
                Reconcile();
                break;
            case EventKind.MetricSample:
                _metric.Record(_now, _backlog + _vms.Sum(vm => (long)vm.UnackedAt(_now)));
                _sampleIndex++;
                _events.Add(new SimulationEvent(
                    _inputs.MetricSampleOffset.TotalSeconds + (_sampleIndex * _inputs.MetricSamplePeriod.TotalSeconds), EventKind.MetricSample));
                break;
            case EventKind.AutoscalerTick:
                _autoscaler.Evaluate(_now, _metric.Visible(_now));
                Reconcile();
                _tickIndex++;
                _events.Add(new SimulationEvent(_tickIndex * _inputs.AutoscalerInterval.TotalSeconds, EventKind.AutoscalerTick));
                break;
            default:
                break; // a stale event for a VM that is gone or has moved on to another chunk
        }
    }

    private void ScheduleNextArrival()
    {
        if (_arrivals.MoveNext())
        {
            _events.Add(new SimulationEvent(_arrivals.Current.Seconds, EventKind.Arrival, Jobs: _arrivals.Current.Jobs));
        }
        else
        {
            _allArrived = true;
            MarkDrainedIfDone();
        }
    }

    /// <summary>The MIG converges on the autoscaler's target; a preempted VM counts until its replacement is due.</summary>
    private void Reconcile()
    {
        var target = _autoscaler.Target;
        while (_vms.Count + _pendingRecreations < target)
        {
            _firstScaleOut ??= _now;
            CreateVm(ready: false);
        }

        while (_vms.Count + _pendingRecreations > target)
        {
            if (_pendingRecreations > 0)
            {
                _pendingRecreations--;
            }
            else
            {
                RemoveVm(ChooseVmToRemove(), preempted: false);
            }
        }
    }

    /// <summary>Assumed: the MIG removes the VM that loses least work (still starting, then idle, then least unacked).</summary>
    private Vm ChooseVmToRemove() =>
        _vms.OrderBy(vm => vm.IsReady).ThenBy(vm => vm.UnackedAt(_now)).ThenByDescending(vm => vm.Id).First();

    private void CreateVm(bool ready)
    {
        var vm = new Vm(_nextVmId++, _now) { IsReady = ready };
        _vms.Add(vm);
        _peakVms = Math.Max(_peakVms, _vms.Count);
        if (!ready)
        {
            _events.Add(new SimulationEvent(_now + _inputs.Startup.Total.TotalSeconds, EventKind.VmReady, vm));
        }

        if (_preemptions.TimeToPreemption(vm.Id) is { } preemptAfter)
        {
            _events.Add(new SimulationEvent(_now + preemptAfter.TotalSeconds, EventKind.Preemption, vm));
        }

        TryLease(vm);
    }

    private void RemoveVm(Vm vm, bool preempted)
    {
        if (vm.IsBusy)
        {
            var acked = vm.AckedBy(_now);
            var unacked = vm.ChunkJobs - acked;
            vm.Finish();
            Acknowledge(acked);
            _backlog += unacked;
            _returned += unacked;
        }

        vm.IsAlive = false;
        _vms.Remove(vm);
        _billedSeconds += Billing.BilledSeconds(_now - vm.CreatedAt, preempted);
        DispatchToIdleVms();
    }

    private void DispatchToIdleVms()
    {
        foreach (var vm in _vms)
        {
            TryLease(vm);
        }
    }

    private void TryLease(Vm vm)
    {
        if (!vm.IsReady || vm.IsBusy || _backlog == 0)
        {
            return;
        }

        var jobs = (int)Math.Min(_inputs.InFlightPerVm, _backlog);
        _backlog -= jobs;
        _deliveries += jobs;
        var duration = Math.Max(jobs / _inputs.JobsPerSecondPerVm, _inputs.MinimumJobLatency.TotalSeconds);
        vm.Start(_now, jobs, duration);
        _events.Add(new SimulationEvent(_now + duration, EventKind.ChunkDone, vm, vm.Epoch));
    }

    private void Acknowledge(int jobs)
    {
        _acked += jobs;
        MarkDrainedIfDone();
    }

    private void MarkDrainedIfDone()
    {
        if (_allArrived && _acked == _totalJobs && _backlog == 0)
        {
            _drainedAt ??= _now;
        }
    }
}

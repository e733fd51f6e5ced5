extension OverlayModel {
    /// The next stage of a staged case, as an image build stacks its steps (`docker build`,
    /// containers-storage): the overlay is unmounted, its upper layer becomes the top lower layer
    /// (`lowerdir=<upper>:<the lowers before>`), the old workdir is removed (an image layer is the
    /// upper alone), and a fresh, empty upper and workdir are mounted with `options`.
    ///
    /// The former upper is a lower like any other from then on: its whiteouts, opaque dirs,
    /// redirects and metacopy files are read by `namei.c:ovl_lookup` in every layer (R22, R30,
    /// R32, R50, R78); its objects' inode numbers are those of the upper filesystem (R54–R58), so
    /// the layers' filesystems shift with it. Open fds and programs end with the unmount (R76).
    ///
    /// - Returns: the options mountinfo shows for the new mount, or the errno that refused it
    ///   (the case ends there).
    mutating func nextStage(_ options: [MountOption]) -> Outcome {
        guard let former = upper else { return .failed(.EINVAL) }
        mountGeneration += 1
        keptDirEpochs = [:]
        evictInodes()
        let fs = environment.filesystems
        var env = environment
        let shifted = FSConfig(lower: fs.upper, upper: fs.upper, layers: [fs.upper] + lowers.indices.map(fs.lower))
        env.fs = shifted
        env.samefs = shifted.samefs
        environment = env
        lowers.insert(former, at: 0)
        formerUppers += 1
        upper = Layer()
        given = options
        index = [:]
        unionNlink = [:]
        handles = [:]
        wasMounted = false
        // The stage's workdir is a fresh folder: `work/` (or `index/`) and the spare whiteout there
        // exist only once its mount makes them (a mount refused before `ovl_make_workdir` leaves none).
        workMade = false
        spareWhiteoutInWork = false
        // Every lower object is now known by the layers' inode numbers the guest records again
        // after the stage (as after an offline change), under its new layer number.
        offlineChanges += 1
        for (k, layer) in lowers.enumerated() {
            for path in [RelPath.root] + Array(layer.entries.keys) { lowerVersions[.lower(layer: k, path: path)] = offlineChanges }
        }
        let observed = mount()
        if let errno = observed.errno { return .failed(errno) }
        return .ok(.names(observed.options ?? []))
    }
}

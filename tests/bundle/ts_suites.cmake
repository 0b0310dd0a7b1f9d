# Issue 17's judges of TypeScript, JSX and minification in `sluice bundle`
# (included by tests/bundle/CMakeLists.txt once node is found).  Each check
# was proved against esbuild (pass `esbuild` as the tool to rerun that); a
# check whose feature sluice bundle does not take yet exits 77 and ctest
# reports it skipped with the reason; a feature it takes and gets wrong
# fails.  npm packages: scripts/npm/bundle-ts (pinned, installed on first
# use with npm ci under a lock).  The 23 real-package checks run --minify
# themselves (real_package.sh's esm-minify run).  Like the real-package
# suite these check output, so they skip the TSan build.
if(SLUICE_SANITIZE STREQUAL "thread")
  return()
endif()
set(ts_dir ${CMAKE_CURRENT_SOURCE_DIR})
function(sl_ts_check name)
  add_test(NAME ${name} COMMAND ${ARGN})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77 LABELS "bundle;npm;ts")
endfunction()

# Real TypeScript from npm, from its .ts sources, against its published JavaScript.
foreach(pkg rxjs immer zod)
  sl_ts_check(bundle_ts_package_${pkg}_from_ts_runs_like_published_js
              ${ts_dir}/ts_package.sh $<TARGET_FILE:sluice> ${pkg})
  sl_ts_check(bundle_ts_package_${pkg}_minified_runs_like_published_js
              ${ts_dir}/ts_package.sh $<TARGET_FILE:sluice> ${pkg} --minify)
  if(SLUICE_SANITIZE STREQUAL "address") # bundled under ASan; printed output checked in release
    set_tests_properties(bundle_ts_package_${pkg}_from_ts_runs_like_published_js
                         bundle_ts_package_${pkg}_minified_runs_like_published_js
                         PROPERTIES ENVIRONMENT SLUICE_TEST_BUNDLE_ONLY=1)
  endif()
endforeach()

# The generated TSX React app, rendered with react-dom/server, against esbuild:
# --jsx=classic, --jsx=automatic, and the JSX settings of a tsconfig.json.
foreach(runtime classic automatic tsconfig)
  sl_ts_check(bundle_tsx_app_${runtime}_renders_like_esbuild
              ${ts_dir}/tsx_app.sh $<TARGET_FILE:sluice> ${runtime})
endforeach()

# Minified code's source map leads thrown frames back to their original lines.
foreach(fmt esm cjs)
  sl_ts_check(bundle_minified_sourcemap_maps_frames_to_original_lines_${fmt}
              ${ts_dir}/minify_sourcemap.sh $<TARGET_FILE:sluice> ${fmt})
endforeach()

# three.js's src/ with --minify: within 2% of esbuild --minify, gzip'd.
sl_ts_check(bundle_three_minified_within_2pct_of_esbuild_gzipped
            ${ts_dir}/three_size.sh $<TARGET_FILE:sluice> 2)

#!/usr/bin/env node
// The `gameday` launcher: registers tsx's CommonJS loader and runs the TypeScript CLI (cli/main.ts).
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
require('tsx/cjs');
require('../cli/main.ts').run();

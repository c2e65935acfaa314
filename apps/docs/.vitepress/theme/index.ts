// The site's theme: VitePress's default theme with the live trainer of /play/ registered.
import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import PlayTrainer from './PlayTrainer.vue';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('PlayTrainer', PlayTrainer);
  },
} satisfies Theme;

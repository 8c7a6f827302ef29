import { mount } from 'svelte';
import App from './App.svelte';
import { prepareStage } from './graph/renderer.js';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks #app');
const app = mount(App, { target });
// The graph's WebGL context is opened while the graph is still on its way: the GPU side then has
// it ready when the renderer's first calls need it, instead of keeping that first call waiting.
setTimeout(prepareStage);
export default app;
